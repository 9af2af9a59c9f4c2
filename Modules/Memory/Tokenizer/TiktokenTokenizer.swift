import Foundation

/// A byte-level BPE tokenizer over a tiktoken-format rank file (one `base64-token rank` pair per line), with a split
/// pattern and special tokens: the algorithm of OpenAI's tiktoken, so ids equal tiktoken's for the same file, pattern
/// and specials.
///
/// Encoding splits the text with the pattern, then merges each piece's bytes by rank (lowest rank first, leftmost
/// on ties). The pattern's `\s` / `\S` are read as Unicode `White_Space` (as tiktoken's regex engine does), not as
/// ICU's narrower class.
public struct TiktokenTokenizer: TextTokenizer {
    /// The Llama 3 split pattern (llama-stack's `models/llama/llama3/tokenizer.py`).
    public static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The 256 Llama 3 special tokens in id order, numbered after the rank file's tokens.
    public static let llama3SpecialTokens: [String] = {
        let named = [
            "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|finetune_right_pad_id|>", "<|step_id|>", "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>",
            "<|eot_id|>", "<|python_tag|>", "<|image|>",
        ]
        return named + (0..<(256 - named.count)).map { "<|reserved_special_token_\($0 + 2)|>" }
    }()

    public let name: String
    /// Special tokens by text.
    public let specialTokens: [String: Int]
    private let storage: Storage

    /// The immutable tables, shared by copies.
    private final class Storage: Sendable {
        let ranks: RankTable
        let tokens: [Int: [UInt8]]
        let pattern: NSRegularExpression

        init(ranks: [[UInt8]: Int], tokens: [Int: [UInt8]], pattern: NSRegularExpression) {
            self.ranks = RankTable(ranks)
            self.tokens = tokens
            self.pattern = pattern
        }
    }

    /// Ranks by byte string, with byte strings of up to 7 bytes packed into a `UInt64` key, so the merge loop looks
    /// up pairs without allocating.
    struct RankTable: Sendable {
        private var small: [UInt64: Int] = [:]
        private var large: [[UInt8]: Int] = [:]
        let count: Int

        init(_ ranks: [[UInt8]: Int]) {
            count = ranks.count
            for (bytes, rank) in ranks {
                if bytes.count <= 7 {
                    small[Self.pack(bytes[...])] = rank
                } else {
                    large[bytes] = rank
                }
            }
        }

        @inline(__always)
        static func pack(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            var key = UInt64(bytes.count) << 56
            var shift: UInt64 = 0
            for byte in bytes {
                key |= UInt64(byte) << shift
                shift += 8
            }
            return key
        }

        @inline(__always)
        func rank(_ bytes: ArraySlice<UInt8>) -> Int? {
            bytes.count <= 7 ? small[Self.pack(bytes)] : large[Array(bytes)]
        }
    }

    /// Loads a rank file.
    ///
    /// - Parameters:
    ///   - name: The name recorded with chunks.
    ///   - rankFile: The path of a tiktoken-format file.
    ///   - pattern: The split pattern (ICU syntax as tiktoken's; `\s` means Unicode white space).
    ///   - specialTokens: Special tokens in id order, numbered from the number of ranks.
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidTokenizer`` naming the file and line
    ///   of a malformed entry, or the pattern when it does not compile; ``MemoryError/Code-swift.struct/sourceUnavailable``
    ///   when the file cannot be read.
    public init(name: String, rankFile: String, pattern: String, specialTokens: [String] = []) throws(MemoryError) {
        guard let data = FileManager.default.contents(atPath: rankFile) else {
            throw MemoryError(code: .sourceUnavailable, message: "cannot read the tokenizer rank file \(rankFile)")
        }
        var ranks: [[UInt8]: Int] = [:]
        var tokens: [Int: [UInt8]] = [:]
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n")) {
            lineNumber += 1
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count == 2,
                let bytes = Data(base64Encoded: Data(fields[0])).map(Array.init),
                let rank = Int(String(decoding: fields[1], as: UTF8.self))
            else {
                throw MemoryError(code: .invalidTokenizer, message: "\(rankFile):\(lineNumber): expected 'base64-token rank'")
            }
            ranks[bytes] = rank
            tokens[rank] = bytes
        }
        try self.init(name: name, ranks: ranks, tokens: tokens, pattern: pattern, specialTokens: specialTokens)
    }

    private init(name: String, ranks: [[UInt8]: Int], tokens: [Int: [UInt8]], pattern: String, specialTokens: [String]) throws(MemoryError) {
        let unicodeWhiteSpace = pattern
            .replacingOccurrences(of: #"\s"#, with: #"\p{White_Space}"#)
            .replacingOccurrences(of: #"\S"#, with: #"\P{White_Space}"#)
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: unicodeWhiteSpace)
        } catch {
            throw MemoryError(code: .invalidTokenizer, message: "the split pattern does not compile: \(error)")
        }
        self.name = name
        var specials: [String: Int] = [:]
        var allTokens = tokens
        for (offset, token) in specialTokens.enumerated() {
            specials[token] = ranks.count + offset
            allTokens[ranks.count + offset] = Array(token.utf8)
        }
        self.specialTokens = specials
        self.storage = Storage(ranks: ranks, tokens: allTokens, pattern: regex)
    }

    /// The Llama 3 tokenizer from its rank file (pattern and special tokens as llama-stack's).
    public static func llama3(rankFile: String) throws(MemoryError) -> TiktokenTokenizer {
        try TiktokenTokenizer(name: "llama3", rankFile: rankFile, pattern: llama3Pattern, specialTokens: llama3SpecialTokens)
    }

    /// The number of ordinary (non-special) tokens.
    public var rankCount: Int { storage.ranks.count }

    /// The ids of `text` with special-token text encoded as ordinary text (tiktoken's `disallowed_special=()`).
    public func encode(_ text: String) -> [Int] {
        encodeOrdinary(text)
    }

    /// The ids of `text`, where occurrences of the special tokens in `allowedSpecial` become their ids (tiktoken's
    /// `allowed_special`); everything else is ordinary text.
    public func encode(_ text: String, allowedSpecial: Set<String>) -> [Int] {
        guard !allowedSpecial.isEmpty else { return encodeOrdinary(text) }
        var result: [Int] = []
        var rest = text[...]
        while !rest.isEmpty {
            // The earliest allowed special token (the longest when several start at the same place).
            var best: (Range<Substring.Index>, String)?
            for special in allowedSpecial where specialTokens[special] != nil {
                if let range = rest.range(of: special) {
                    if best == nil || range.lowerBound < best!.0.lowerBound
                        || (range.lowerBound == best!.0.lowerBound && special.count > best!.1.count)
                    {
                        best = (range, special)
                    }
                }
            }
            guard let (range, special) = best else {
                result += encodeOrdinary(String(rest))
                break
            }
            result += encodeOrdinary(String(rest[..<range.lowerBound]))
            result.append(specialTokens[special]!)
            rest = rest[range.upperBound...]
        }
        return result
    }

    private func encodeOrdinary(_ text: String) -> [Int] {
        guard !text.isEmpty else { return [] }
        var result: [Int] = []
        let utf16Count = text.utf16.count
        let matches = storage.pattern.matches(in: text, range: NSRange(location: 0, length: utf16Count))
        // Matches come in order: walk one index forward through the text (linear), instead of converting each
        // UTF-16 range from the start.
        var cursor = text.utf16.startIndex
        var cursorOffset = 0
        for match in matches {
            let start = text.utf16.index(cursor, offsetBy: match.range.location - cursorOffset)
            let end = text.utf16.index(start, offsetBy: match.range.length)
            cursor = end
            cursorOffset = match.range.location + match.range.length
            let piece = Array(text.utf8[start..<end])
            if let rank = storage.ranks.rank(piece[...]) {
                result.append(rank)
            } else {
                result += bytePairEncode(piece)
            }
        }
        return result
    }

    /// tiktoken's merge: repeatedly join the adjacent pair whose bytes have the lowest rank (leftmost on ties).
    private func bytePairEncode(_ piece: [UInt8]) -> [Int] {
        let ranks = storage.ranks
        // boundaries[i] is the start of part i; the last boundary is the end.
        var boundaries = Array(0...piece.count)
        let none = Int.max
        func pairRank(_ i: Int) -> Int {
            guard i + 2 < boundaries.count else { return none }
            return ranks.rank(piece[boundaries[i]..<boundaries[i + 2]]) ?? none
        }
        var pairRanks = (0..<(boundaries.count - 1)).map { pairRank($0) }
        while true {
            var bestIndex = -1
            var bestRank = none
            for index in pairRanks.indices where pairRanks[index] < bestRank {
                bestRank = pairRanks[index]
                bestIndex = index
            }
            guard bestIndex >= 0 else { break }
            boundaries.remove(at: bestIndex + 1)
            pairRanks.remove(at: bestIndex + 1)
            pairRanks[bestIndex] = pairRank(bestIndex)
            if bestIndex > 0 { pairRanks[bestIndex - 1] = pairRank(bestIndex - 1) }
        }
        return (0..<(boundaries.count - 1)).map { i in
            // Every single byte has a rank in a byte-level rank file; a missing one is a broken file.
            ranks.rank(piece[boundaries[i]..<boundaries[i + 1]]) ?? -1
        }
    }

    /// The bytes of `tokens`.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidTokenizer`` naming an unknown id.
    public func decodeBytes(_ tokens: some Collection<Int>) throws(MemoryError) -> [UInt8] {
        var bytes: [UInt8] = []
        for token in tokens {
            guard let piece = storage.tokens[token] else {
                throw MemoryError(code: .invalidTokenizer, message: "unknown token id \(token) for tokenizer \(name)")
            }
            bytes += piece
        }
        return bytes
    }

    /// The text of `tokens`; see ``TextTokenizer/decode(_:)``.
    public func decode(_ tokens: some Collection<Int>) throws -> String {
        String(decoding: try decodeBytes(tokens), as: UTF8.self)
    }
}
