import Foundation
import Memory
import MemoryPDF
import SQLStore
import StorageRefs
import Testing
import VectorIO
import VectorIOSQLite
import _TestBackends

/// One token per word (lowercased letters), so windows are easy to reason about.
private struct WordTokenizer: TextTokenizer {
    var name: String { "words" }
    func encode(_ text: String) -> [Int] { text.unicodeScalars.map { Int($0.value) } }
    func decode(_ tokens: some Collection<Int>) throws -> String {
        String(String.UnicodeScalarView(tokens.compactMap { Unicode.Scalar(UInt32($0)) }))
    }
}

/// A deterministic embedder: stemmed-ish words (first 5 letters) hashed into 256 buckets.
private struct HashingEmbedder: Embedder {
    let model = "hashing-256"
    let dimension = 256
    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { text in
            var vector = [Float](repeating: 0, count: 256)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) {
                let stem = word.prefix(5)
                let hash = stem.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
                vector[Int(hash % 256)] += 1
            }
            return vector
        }
    }
}

private struct FixtureFiles: VectorStoreFileSource {
    let files: [String: SourceFile]
    func file(id: String) async throws -> SourceFile {
        guard let file = files[id] else { throw MemoryError(code: .sourceUnavailable, message: "no file '\(id)'") }
        return file
    }
}

@Suite("Memory end to end")
struct EndToEndTests {
    @Test("ingest three text documents and a PDF, then search in every mode: the document that answers ranks first")
    func ingestAndSearch() async throws {
        func text(_ name: String, _ body: String) -> SourceFile {
            SourceFile(filename: name, document: LoadedDocument(source: name, bytes: Array(body.utf8), mimeType: "text/plain", charset: nil))
        }
        let pdf = try PopplerPDFExtractorTests.fixture()
        let files = FixtureFiles(files: [
            "file-bread": text("bread.txt", "Sourdough bread needs flour, water, salt and a lively starter."),
            "file-light": text("light.txt", "Lighthouses guide ships along rocky coasts through the night."),
            "file-lava": text("lava.txt", "Volcanoes erupt molten rock that flows downhill as lava."),
            "file-pdf": SourceFile(filename: "whales.pdf", document: LoadedDocument(source: "whales.pdf", bytes: pdf, mimeType: "application/pdf", charset: nil)),
        ])
        let backend = try await TestTableBackend.open(.sqlite)
        do {
            let store = try #require(backend.store as? SQLiteTableStore)
            let service = try VectorStoreService(
                tables: store, embedders: [HashingEmbedder()], files: files,
                extractor: ContentExtractor(pdf: PopplerPDFExtractor()), tokenizer: WordTokenizer(),
                keywordSearch: SQLiteKeywordSearch(store: store)
            )
            try await service.prepare()
            let vectorStore = try await service.createStore(
                name: "e2e", fileIDs: ["file-bread", "file-light", "file-lava", "file-pdf"],
                chunkingStrategy: .static(maxChunkSizeTokens: 200, chunkOverlapTokens: 0)
            )
            #expect(vectorStore.fileCounts == VectorStoreFileCounts(completed: 4, total: 4))
            let contents = try await service.fileContents(storeID: vectorStore.id, fileID: "file-pdf")
            #expect(contents.data.map(\.text).joined() == "Whales are marine mammals.\nPage two talks about sourdough bread.")
            let expectations = [("molten lava volcano", "file-lava"), ("whales marine mammals", "file-pdf"), ("lighthouse ships coasts", "file-light")]
            for mode in ["vector", "keyword", "hybrid"] {
                for (query, expected) in expectations {
                    let page = try await service.search(storeID: vectorStore.id, queries: [query], maxNumResults: 3, searchMode: mode)
                    #expect(page.data.first?.fileID == expected, "\(mode) \(query): \(page.data.map(\.fileID))")
                }
            }
            await backend.close()
        } catch {
            await backend.close()
            throw error
        }
    }
}
