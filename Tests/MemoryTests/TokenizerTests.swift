import Foundation
import Memory
import Testing

/// The Llama 3 rank file is not shipped with the project: tests read it from the shared folder (or
/// `STACKKIT_LLAMA3_TOKENIZER`). Without it they are skipped locally; under `CI=true` its absence fails.
enum Llama3RankFile {
    static let path: String? = {
        let environment = ProcessInfo.processInfo.environment
        // The package root is three levels above this file; the shared folder sits beside the checkout.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [
            environment["STACKKIT_LLAMA3_TOKENIZER"],
            packageRoot.appendingPathComponent("../shared/data/llama3-tokenizer.model").standardized.path,
            "/work/shared/data/llama3-tokenizer.model",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    static var mustRun: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    static func tokenizer() throws -> TiktokenTokenizer {
        guard let path else {
            throw MemoryError(code: .sourceUnavailable, message: "the Llama 3 rank file is missing: set STACKKIT_LLAMA3_TOKENIZER or provide ../shared/data/llama3-tokenizer.model")
        }
        return try TiktokenTokenizer.llama3(rankFile: path)
    }
}

struct TokenizerFixture: Decodable {
    struct Case: Decodable, Sendable {
        var text: String
        var ids: [Int]
        var ids_special: [Int]
    }
    var tiktoken: String
    var cases: [Case]

    static func load() throws -> TokenizerFixture {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try JSONDecoder().decode(TokenizerFixture.self, from: Data(contentsOf: folder.appendingPathComponent("tokenizer-llama3.json")))
    }
}

@Suite("Tiktoken tokenizer", .enabled(if: Llama3RankFile.mustRun, "the Llama 3 rank file is absent and this is not CI"))
struct TokenizerTests {
    @Test("ids equal Python tiktoken's on 290 varied strings, with and without special tokens")
    func matchesTiktoken() throws {
        let tokenizer = try Llama3RankFile.tokenizer()
        let fixture = try TokenizerFixture.load()
        #expect(fixture.cases.count >= 200)
        #expect(tokenizer.rankCount == 128_000)
        for testCase in fixture.cases {
            #expect(tokenizer.encode(testCase.text) == testCase.ids, "\(testCase.text.debugDescription)")
            #expect(tokenizer.encode(testCase.text, allowedSpecial: Set(tokenizer.specialTokens.keys)) == testCase.ids_special, "\(testCase.text.debugDescription)")
            #expect(try tokenizer.decode(testCase.ids) == testCase.text)
        }
    }

    @Test("special tokens are numbered after the ranks, as llama-stack numbers them")
    func specialTokens() throws {
        let tokenizer = try Llama3RankFile.tokenizer()
        #expect(tokenizer.specialTokens["<|begin_of_text|>"] == 128_000)
        #expect(tokenizer.specialTokens["<|eot_id|>"] == 128_009)
        #expect(tokenizer.specialTokens["<|image|>"] == 128_011)
        #expect(tokenizer.specialTokens["<|reserved_special_token_245|>"] == 128_255)
        #expect(try tokenizer.decode([128_009]) == "<|eot_id|>")
        #expect(throws: MemoryError.self) { try tokenizer.decode([999_999]) }
    }

    @Test("a malformed rank file is a typed error naming its line")
    func malformedRankFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ranks-\(UUID().uuidString)")
        try Data("IQ== 0\nnot-base64!! x\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: MemoryError(code: .invalidTokenizer, message: "\(file.path):2: expected 'base64-token rank'")) {
            try TiktokenTokenizer(name: "bad", rankFile: file.path, pattern: TiktokenTokenizer.llama3Pattern)
        }
        #expect(throws: MemoryError.self) { try TiktokenTokenizer(name: "none", rankFile: "/nonexistent/ranks", pattern: ".") }
    }
}
