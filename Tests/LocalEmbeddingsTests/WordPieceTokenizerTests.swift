import Foundation
import LocalEmbeddings
import Testing

@Suite("WordPiece tokenizer")
struct WordPieceTokenizerTests {
    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", "!", "un", "##believ", "##able",
                         "cafe", "北", "京", "a", "##b", "Hello", "é", ".", "x", "##x", "'", "s", "$", "~", "[", "]", "sep"]
    static func tokenizer(lowercase: Bool = true) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabulary: Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, Int32($0)) }), lowercase: lowercase)
    }

    @Test("punctuation stands alone, every whitespace splits, case and accents fold")
    func basicTokenisation() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.tokenize("Hello,\tWORLD!\u{00A0}Café") == ["hello", ",", "world", "!", "cafe"])
        #expect(tokenizer.tokenize("x's $~") == ["x", "'", "s", "$", "~"])
        #expect(tokenizer.tokenize("Cafe\u{0301}") == ["cafe"])
    }

    @Test("greedy longest match with ## continuations; a word that cannot be covered is one [UNK]")
    func wordPieces() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.tokenize("unbelievable") == ["un", "##believ", "##able"])
        #expect(tokenizer.tokenize("abbb") == ["a", "##b", "##b", "##b"])
        #expect(tokenizer.tokenize("unbelievablez hello") == ["[UNK]", "hello"])
        #expect(tokenizer.tokenize(String(repeating: "x", count: 100)).count == 100)
        #expect(tokenizer.tokenize(String(repeating: "x", count: 101)) == ["[UNK]"])
    }

    @Test("CJK ideographs become words; control and format characters vanish; whitespace-only is empty")
    func cleanUp() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.tokenize("北京") == ["北", "京"])
        #expect(tokenizer.tokenize("hel\u{0000}lo wor\u{200B}ld\u{0007}") == ["hello", "world"])
        #expect(tokenizer.tokenize(" \n\r\t\u{2028}") == [])
        #expect(tokenizer.encode("", maximumLength: 8) == [2, 3])
    }

    @Test("encode frames with [CLS]/[SEP] and truncates the pieces to maximumLength − 2, cutting inside a word")
    func truncation() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.encode("hello world", maximumLength: 16) == [2, 5, 6, 3])
        #expect(tokenizer.encode("hello world hello", maximumLength: 4) == [2, 5, 6, 3])
        #expect(tokenizer.encode("unbelievable", maximumLength: 4) == [2, 9, 10, 3])
        #expect(tokenizer.encode("hello", maximumLength: 2) == [2, 3])
    }

    @Test("special tokens written in the text become their ids, exactly and case-sensitively, before normalisation")
    func specialTokensInText() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.specialTokens == ["[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4])
        #expect(tokenizer.tokenize("hello[SEP]world") == ["hello", "[SEP]", "world"])
        #expect(tokenizer.tokenize("[sep] [ SEP ]") == ["[", "sep", "]", "[", "sep", "]"])
        #expect(tokenizer.tokenize("[[PAD]]") == ["[", "[PAD]", "]"])
        #expect(tokenizer.encode("x [CLS]", maximumLength: 8) == [2, 20, 2, 3])
        #expect(tokenizer.encode("hello [SEP] world", maximumLength: 4) == [2, 5, 3, 3])
        #expect(tokenizer.encode("hello [SEP] world", maximumLength: 3) == [2, 5, 3])
    }

    @Test("without lowercasing, case and accents are kept (strip_accents follows do_lower_case)")
    func casedTokenizer() throws {
        let tokenizer = try Self.tokenizer(lowercase: false)
        #expect(tokenizer.tokenize("Hello é") == ["Hello", "é"])
        #expect(tokenizer.stripAccents == false)
    }

    @Test("vocabulary files: missing, duplicated token, missing special token — each error names the file")
    func vocabularyErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-vocab-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("none.txt").path
        #expect(throws: LocalEmbeddingsError.missingFile(path: missing)) { try WordPieceTokenizer(vocabularyPath: missing) }
        let duplicated = directory.appendingPathComponent("dup.txt").path
        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nhello\n".write(toFile: duplicated, atomically: true, encoding: .utf8)
        #expect(throws: LocalEmbeddingsError.invalidFile(path: duplicated, reason: "line 6: token hello appears twice")) {
            try WordPieceTokenizer(vocabularyPath: duplicated)
        }
        let noSeparator = directory.appendingPathComponent("nosep.txt").path
        try "[PAD]\r\n[UNK]\r\n[CLS]\r\nhello\r\n".write(toFile: noSeparator, atomically: true, encoding: .utf8)
        #expect(throws: LocalEmbeddingsError.invalidFile(path: noSeparator, reason: "no [SEP] token")) {
            try WordPieceTokenizer(vocabularyPath: noSeparator)
        }
        let good = directory.appendingPathComponent("good.txt").path
        try "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try WordPieceTokenizer(vocabularyPath: good).encode("hello", maximumLength: 8) == [2, 4, 3])
    }
}
