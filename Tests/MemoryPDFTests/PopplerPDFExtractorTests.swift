import Foundation
import Memory
import MemoryPDF
import Testing

@Suite("PDF text with poppler")
struct PopplerPDFExtractorTests {
    static func fixture() throws -> [UInt8] {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return Array(try Data(contentsOf: folder.appendingPathComponent("two-pages.pdf")))
    }

    @Test("the text of every page, pages joined by a newline")
    func pages() async throws {
        let text = try await PopplerPDFExtractor().text(fromPDF: try Self.fixture())
        #expect(text == "Whales are marine mammals.\nPage two talks about sourdough bread.")
    }

    @Test("through ContentExtractor as application/pdf")
    func throughExtractor() async throws {
        let extractor = ContentExtractor(pdf: PopplerPDFExtractor())
        let document = LoadedDocument(source: "two-pages.pdf", bytes: try Self.fixture(), mimeType: "application/pdf", charset: nil)
        #expect(try await extractor.text(of: document).contains("sourdough"))
    }

    @Test("bytes that are not a PDF, and a truncated PDF, are typed errors")
    func notPDF() async throws {
        for bytes in [Array("hello".utf8), [], Array(try Self.fixture().prefix(200))] {
            await #expect(throws: MemoryError.self) { try await PopplerPDFExtractor().text(fromPDF: bytes) }
        }
        await #expect(throws: MemoryError.self) { try await PopplerPDFExtractor(maximumPages: 1).text(fromPDF: try Self.fixture()) }
    }
}
