import Foundation

/// BERT's tokenizer: basic tokenisation (clean-up, CJK spacing, accent stripping, lowercasing, whitespace and
/// punctuation splitting) followed by greedy longest-match WordPiece.
///
/// It follows Hugging Face's `BertNormalizer` + `BertPreTokenizer` + `WordPiece` (the fast tokenizer
/// sentence-transformers runs), working on Unicode scalars throughout:
/// - control and format characters (categories Cc, Cf, Co, Cs, Cn, and U+0000, U+FFFD) are removed, tab, CR and LF
///   and every White_Space character become a space;
/// - CJK ideographs get a space on each side;
/// - accents are stripped by canonical decomposition and dropping nonspacing marks (Mn), then each scalar is
///   lowercased with its full Unicode mapping (no context rules);
/// - words split at whitespace, and punctuation (ASCII punctuation or any P* category) stands alone;
/// - a word longer than 100 scalars, or one WordPiece cannot cover, becomes `[UNK]`;
/// - special tokens written in the text (`[SEP]`, `[MASK]`, … exactly, case-sensitive) are matched before all of
///   this and become their ids, as Hugging Face's added tokens do.
public struct WordPieceTokenizer: Sendable {
    /// The id of every vocabulary entry.
    public let vocabulary: [String: Int32]
    /// Whether input is lowercased.
    public let lowercase: Bool
    /// Whether accents are stripped.
    public let stripAccents: Bool
    /// Whether CJK ideographs become words of their own.
    public let splitChineseCharacters: Bool
    /// Words longer than this many scalars become `[UNK]`.
    public let maximumWordLength = 100
    /// Ids of the special tokens.
    public let unknownID: Int32, classifierID: Int32, separatorID: Int32, paddingID: Int32
    /// The special tokens recognised inside input text, with their ids: those of `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`
    /// and `[MASK]` the vocabulary has.
    public let specialTokens: [String: Int32]
    private let specialScalars: [([Unicode.Scalar], Int32)]

    /// Reads `vocab.txt` (one token per line, the line number is the id).
    ///
    /// - Throws: ``LocalEmbeddingsError/missingFile(path:)``, or ``LocalEmbeddingsError/invalidFile(path:reason:)``
    ///   when the file is not UTF-8, repeats a token, or lacks `[UNK]`, `[CLS]`, `[SEP]` or `[PAD]`.
    public init(vocabularyPath: String, lowercase: Bool = true, stripAccents: Bool? = nil, splitChineseCharacters: Bool = true) throws {
        guard let data = FileManager.default.contents(atPath: vocabularyPath) else {
            throw LocalEmbeddingsError.missingFile(path: vocabularyPath)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LocalEmbeddingsError.invalidFile(path: vocabularyPath, reason: "not UTF-8")
        }
        // Split on scalars: as Characters, "\r\n" is one grapheme and would not split at "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(String.UnicodeScalarView(line.last == "\r" ? line.dropLast() : line[...]))
        }
        if lines.last == "" { lines.removeLast() }
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(lines.count)
        for (index, token) in lines.enumerated() {
            guard vocabulary.updateValue(Int32(index), forKey: token) == nil else {
                throw LocalEmbeddingsError.invalidFile(path: vocabularyPath, reason: "line \(index + 1): token \(token) appears twice")
            }
        }
        try self.init(vocabulary: vocabulary, lowercase: lowercase, stripAccents: stripAccents,
                      splitChineseCharacters: splitChineseCharacters, source: vocabularyPath)
    }

    /// The WordPiece vocabulary of a Hugging Face `tokenizer.json` (`model.vocab`, token → id).
    ///
    /// - Throws: ``LocalEmbeddingsError/missingFile(path:)``; ``LocalEmbeddingsError/unsupported(path:field:value:)``
    ///   when `model.type` is not `WordPiece`; ``LocalEmbeddingsError/invalidFile(path:reason:)`` when the file is not
    ///   JSON, has no `model.vocab` object, or an id is not an integer in 0..<2³¹.
    public static func vocabulary(tokenizerJSONPath path: String) throws -> [String: Int32] {
        guard let data = FileManager.default.contents(atPath: path) else { throw LocalEmbeddingsError.missingFile(path: path) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "not a JSON object")
        }
        guard let model = root["model"] as? [String: Any] else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "no model object")
        }
        let type = model["type"] as? String ?? "(none)"
        guard type == "WordPiece" else { throw LocalEmbeddingsError.unsupported(path: path, field: "model.type", value: type) }
        guard let entries = model["vocab"] as? [String: Any] else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "model.vocab is not an object of token ids")
        }
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(entries.count)
        for (token, value) in entries {
            guard let number = value as? NSNumber, let id = Int32(exactly: number.doubleValue), id >= 0 else {
                throw LocalEmbeddingsError.invalidFile(path: path, reason: "model.vocab[\(token)] is not a token id")
            }
            vocabulary[token] = id
        }
        return vocabulary
    }

    /// A tokenizer over an explicit vocabulary; `source` names it in errors.
    ///
    /// - Throws: ``LocalEmbeddingsError/invalidFile(path:reason:)`` when a special token is missing.
    public init(vocabulary: [String: Int32], lowercase: Bool = true, stripAccents: Bool? = nil,
                splitChineseCharacters: Bool = true, source: String = "vocabulary") throws {
        func special(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw LocalEmbeddingsError.invalidFile(path: source, reason: "no \(token) token")
            }
            return id
        }
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        self.splitChineseCharacters = splitChineseCharacters
        unknownID = try special("[UNK]")
        classifierID = try special("[CLS]")
        separatorID = try special("[SEP]")
        paddingID = try special("[PAD]")
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { token in vocabulary[token].map { (token, $0) } }
        specialTokens = Dictionary(uniqueKeysWithValues: specials)
        // Longest first, so a longer special token wins where two start at the same place.
        specialScalars = specials.map { (Array($0.0.unicodeScalars), $0.1) }.sorted { $0.0.count > $1.0.count }
    }

    /// The word-piece ids of `text` framed by `[CLS]` and `[SEP]`, the pieces cut to `maximumLength − 2` when
    /// longer (sentence-transformers' truncation).
    ///
    /// - Precondition: `maximumLength ≥ 2`.
    public func encode(_ text: String, maximumLength: Int) -> [Int32] {
        precondition(maximumLength >= 2, "maximumLength must leave room for [CLS] and [SEP]")
        var ids: [Int32] = [classifierID]
        ids.reserveCapacity(min(maximumLength, text.utf8.count + 2))
        let limit = maximumLength - 1
        appendIDs(of: text, to: &ids, limit: limit)
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        ids.append(separatorID)
        return ids
    }

    /// The word pieces of `text` as strings, without `[CLS]`/`[SEP]` framing and without truncation.
    public func tokenize(_ text: String) -> [String] {
        var names = [String](repeating: "", count: vocabulary.count)
        for (token, id) in vocabulary where Int(id) < names.count { names[Int(id)] = token }
        var ids: [Int32] = []
        appendIDs(of: text, to: &ids, limit: .max)
        return ids.map { names[Int($0)] }
    }

    /// Appends the ids of `text` until `ids` holds `limit`: special tokens written in the text as their ids, the
    /// stretches between them as word pieces.
    private func appendIDs(of text: String, to ids: inout [Int32], limit: Int) {
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var index = 0
        func flush(upTo end: Int) {
            guard segmentStart < end, ids.count < limit else { return }
            var segment = String.UnicodeScalarView()
            segment.append(contentsOf: scalars[segmentStart..<end])
            for word in words(String(segment)) {
                appendPieces(of: word, to: &ids, limit: limit)
                if ids.count >= limit { return }
            }
        }
        while index < scalars.count {
            if scalars[index] == "[", let (length, id) = specialToken(in: scalars, at: index) {
                flush(upTo: index)
                if ids.count < limit { ids.append(id) }
                index += length
                segmentStart = index
            } else {
                index += 1
            }
        }
        flush(upTo: scalars.count)
    }

    private func specialToken(in scalars: [Unicode.Scalar], at index: Int) -> (Int, Int32)? {
        for (token, id) in specialScalars where index + token.count <= scalars.count {
            if scalars[index..<(index + token.count)].elementsEqual(token) { return (token.count, id) }
        }
        return nil
    }

    /// The normalised words of `text`: cleaned, CJK spaced, accents stripped, lowercased, split at whitespace
    /// and punctuation.
    public func words(_ text: String) -> [[Unicode.Scalar]] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if splitChineseCharacters && Self.isChineseCharacter(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var normalized = String(cleaned)
        if stripAccents {
            // Only text that can decompose needs the (Foundation) normalisation pass.
            if !normalized.unicodeScalars.allSatisfy({ $0.isASCII }) {
                normalized = String(String.UnicodeScalarView(
                    normalized.decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }))
            }
        }
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func push(_ scalar: Unicode.Scalar) {
            if Self.isWhitespace(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if Self.isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        for scalar in normalized.unicodeScalars {
            if lowercase {
                if scalar.isASCII {
                    push(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
                } else {
                    for lowered in scalar.properties.lowercaseMapping.unicodeScalars { push(lowered) }
                }
            } else {
                push(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32], limit: Int) {
        guard word.count <= maximumWordLength else {
            ids.append(unknownID)
            return
        }
        let mark = ids.count
        var start = 0
        var candidate = ""
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate += "##" }
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeLast(ids.count - mark)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            if ids.count >= limit { return }
            start = end
        }
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x20..<0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: return true
            default: return false
            }
        }
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        case 0..<0x80: return false
        default:
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }

    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
