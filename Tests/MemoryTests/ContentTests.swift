import Foundation
import Memory
import Testing

@Suite("Content: data URLs, text decoding, sources")
struct ContentTests {
    @Test("data URLs: base64, percent-encoded, charset, defaults, errors")
    func dataURLs() throws {
        let base64 = try DataURL(parsing: "data:text/plain;charset=utf-8;base64,aMOpbGxv")
        #expect(base64.mediaType == "text/plain")
        #expect(base64.charset == "utf-8")
        #expect(base64.isBase64)
        #expect(base64.bytes == Array("héllo".utf8))
        let percent = try DataURL(parsing: "data:text/plain;charset=iso-8859-1,caf%E9%20au%20lait")
        #expect(percent.bytes == [0x63, 0x61, 0x66, 0xE9, 0x20, 0x61, 0x75, 0x20, 0x6C, 0x61, 0x69, 0x74])
        #expect(try TextDecoding.decode(percent.bytes, declaredCharset: percent.charset) == "café au lait")
        let bare = try DataURL(parsing: "data:,A%20brief%20note")
        #expect(bare.mediaType == "text/plain" && bare.charset == "US-ASCII")
        #expect(bare.bytes == Array("A brief note".utf8))
        let pdf = try DataURL(parsing: DataURL.encode([0x25, 0x50, 0x44, 0x46], mediaType: "application/pdf"))
        #expect(pdf.mediaType == "application/pdf" && pdf.bytes == [0x25, 0x50, 0x44, 0x46])
        for bad in ["http://x", "data:text/plain;base64", "data:text/plain;base64,!!!", "data:,bad%ZZ", "data:nonsense,x"] {
            #expect(throws: MemoryError.self) { try DataURL(parsing: bad) }
        }
    }

    @Test("text decoding: declared charset, detection, UTF-8 fallback, typed error")
    func decoding() throws {
        #expect(try TextDecoding.decode(Array("naïve".utf8)) == "naïve")
        #expect(try TextDecoding.decode([0x63, 0x61, 0x66, 0xE9]) == "café")  // not UTF-8: detected Windows-1252
        #expect(try TextDecoding.decode([0x93, 0x71, 0x94, 0x80]) == "\u{201C}q\u{201D}€")
        #expect(try TextDecoding.decode([0xFF, 0xFE, 0x68, 0x00, 0xE9, 0x00]) == "hé")  // UTF-16LE BOM
        #expect(try TextDecoding.decode([0x00, 0x68, 0x00, 0xE9], declaredCharset: "UTF-16BE") == "hé")
        #expect(try TextDecoding.decode(Array("plain".utf8), declaredCharset: "ascii") == "plain")
        // A declared charset that fails falls back to UTF-8.
        #expect(try TextDecoding.decode(Array("é".utf8), declaredCharset: "us-ascii") == "é")
        // 0x81 is undefined in Windows-1252 and the bytes are not UTF-8 either.
        #expect(throws: MemoryError(code: .undecodableText, message: "3 bytes are not valid text in windows-1252 or utf-8")) {
            try TextDecoding.decode([0x61, 0x81, 0xE9])
        }
        #expect(throws: MemoryError.invalid("charset", "unknown charset 'klingon'")) { try TextDecoding.decode([0x61], declaredCharset: "klingon") }
        #expect(try TextDecoding.decode([], declaredCharset: nil) == "")
    }

    @Test("content by type: text decoded, PDF without an extractor and other types are typed errors, never empty")
    func extractor() async throws {
        let extractor = ContentExtractor()
        #expect(try await extractor.text(of: LoadedDocument(source: "s", bytes: [0x63, 0x61, 0x66, 0xE9], mimeType: "text/plain", charset: "latin1")) == "café")
        #expect(try await extractor.text(of: LoadedDocument(source: "s", bytes: Array("{}".utf8), mimeType: "application/json", charset: nil)) == "{}")
        await #expect(throws: MemoryError(code: .unsupportedContent, message: "s: content of type image/png cannot be turned into text")) {
            try await extractor.text(of: LoadedDocument(source: "s", bytes: [1], mimeType: "image/png", charset: nil))
        }
        await #expect(throws: MemoryError.self) { try await extractor.text(of: LoadedDocument(source: "s", bytes: [1], mimeType: "application/pdf", charset: nil)) }
        await #expect(throws: MemoryError.self) { try await extractor.text(of: LoadedDocument(source: "s", bytes: [1], mimeType: nil, charset: nil)) }
    }

    @Test("file:// sources: read with the type from the extension; size limit; missing file; not allowed")
    func files() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("notes.md")
        try Data("# Notes\n".utf8).write(to: file)
        let loaded = try await URLDocumentLoader().load(file.absoluteString)
        #expect(loaded.bytes == Array("# Notes\n".utf8))
        #expect(loaded.mimeType == "text/markdown")
        await #expect(throws: MemoryError.self) { try await URLDocumentLoader(limits: .init(maximumBytes: 4)).load(file.absoluteString) }
        await #expect(throws: MemoryError.self) { try await URLDocumentLoader().load(directory.appendingPathComponent("none.txt").absoluteString) }
        await #expect(throws: MemoryError.self) { try await URLDocumentLoader(allowsFiles: false).load(file.absoluteString) }
        await #expect(throws: MemoryError.self) { try await URLDocumentLoader().load("ftp://example.com/x") }
    }

    @Test("http:// sources against a real server: charset from Content-Type, 404, size limit while streaming, timeout")
    func http() async throws {
        let server = try await LoopbackHTTPServer()
        do {
            let loader = URLDocumentLoader(limits: .init(maximumBytes: 16 * 1_024, timeout: .seconds(2)))
            let latin1 = try await loader.load(server.url("/latin1"))
            #expect(latin1.mimeType == "text/plain" && latin1.charset == "iso-8859-1")
            #expect(try await ContentExtractor().text(of: latin1) == "café")
            let markdown = try await loader.load(server.url("/utf8.md"))
            #expect(markdown.mimeType == "text/markdown")
            #expect(try await ContentExtractor().text(of: markdown) == "# Título\n")
            await #expect(throws: MemoryError(code: .sourceUnavailable, message: "\(server.url("/missing")): HTTP status 404")) {
                try await loader.load(server.url("/missing"))
            }
            do {
                _ = try await loader.load(server.url("/big"))
                Issue.record("a body over the limit must fail")
            } catch let error as MemoryError {
                #expect(error.code == .sourceUnavailable)
                #expect(error.message.contains("exceed the limit of 16384 bytes"), "\(error)")
            }
            await #expect(throws: MemoryError.self) { try await loader.load(server.url("/silent")) }
            try await server.shutdown()
        } catch {
            try? await server.shutdown()
            throw error
        }
    }
}
