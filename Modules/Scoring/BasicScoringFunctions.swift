/// `basic::equality`: 1.0 when `generated_answer` equals `expected_answer` exactly, else 0.0. Default aggregation: accuracy.
public struct EqualityScoringFunction: ScoringFunction {
    public let definition = ScoringFunctionDefinition(
        identifier: "basic::equality",
        description: "Returns 1.0 if the generated answer equals the expected answer, else 0.0",
        parameters: ScoringParameters(aggregations: [.accuracy])
    )

    /// Creates the function.
    public init() {}

    public func scoreRow(_ row: InputRow, parameters: ScoringParameters) async throws -> ScoreRow {
        let expected = try row.requiredText("expected_answer", function: definition.identifier)
        let generated = try row.requiredText("generated_answer", function: definition.identifier)
        return ["score": .double(expected == generated ? 1 : 0)]
    }
}

/// `basic::subset_of`: 1.0 when `expected_answer` occurs in `generated_answer`, else 0.0. Default aggregation: accuracy.
public struct SubsetOfScoringFunction: ScoringFunction {
    public let definition = ScoringFunctionDefinition(
        identifier: "basic::subset_of",
        description: "Returns 1.0 if the expected answer is contained in the generated answer, else 0.0",
        parameters: ScoringParameters(aggregations: [.accuracy])
    )

    /// Creates the function.
    public init() {}

    public func scoreRow(_ row: InputRow, parameters: ScoringParameters) async throws -> ScoreRow {
        let expected = try row.requiredText("expected_answer", function: definition.identifier)
        let generated = try row.requiredText("generated_answer", function: definition.identifier)
        // Python's `in` on strings: the empty string is in every string.
        return ["score": .double(expected.isEmpty || generated.contains(expected) ? 1 : 0)]
    }
}

/// `basic::regex_parser_multiple_choice_answer`: extracts a multiple-choice letter from `generated_answer`
/// with the first parsing regex that matches (its first capture group), normalises it, and scores 1.0 when it
/// equals `expected_answer`.
///
/// Normalisation maps the answer letters of other scripts to A–D as llama-stack does (full-width Ａ–Ｄ,
/// Arabic أ ب ج د, Bengali অ ব ড ঢ, Japanese katakana ア イ ウ エ) and trims spaces. With no parsing regexes the
/// default is `(?i)Answer\s*:\s*([A-DＡ-Ｄأبجدঅবডঢアイウエ])`. A regex that does not compile is `invalidParameter`.
public struct RegexParserMultipleChoiceScoringFunction: ScoringFunction {
    public let definition = ScoringFunctionDefinition(
        identifier: "basic::regex_parser_multiple_choice_answer",
        description: "Extracts a multiple-choice answer with regexes and compares it to the expected answer",
        parameters: ScoringParameters(aggregations: [.accuracy], parsingRegexes: [#"(?i)Answer\s*:\s*([A-DＡ-Ｄأبجدঅবডঢアイウエ])"#])
    )

    /// Creates the function.
    public init() {}

    public func scoreRow(_ row: InputRow, parameters: ScoringParameters) async throws -> ScoreRow {
        let expected = try row.requiredText("expected_answer", function: definition.identifier)
        let generated = try row.requiredText("generated_answer", function: definition.identifier)
        let patterns = parameters.parsingRegexes.isEmpty ? definition.parameters.parsingRegexes : parameters.parsingRegexes
        var extracted: String?
        for pattern in patterns {
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex(pattern)
            } catch {
                throw ScoringError(code: .invalidParameter, message: "\(definition.identifier): parsing regex \(pattern) does not compile: \(error)")
            }
            if let match = try regex.firstMatch(in: generated), match.count > 1, let group = match[1].substring {
                extracted = Self.normalize(String(group))
                break
            }
        }
        var result: ScoreRow = ["score": .double(extracted != nil && extracted == expected ? 1 : 0)]
        result["extracted_answer"] = extracted.map(ScoreValue.string) ?? .null
        return result
    }

    static let letterMap: [Character: String] = [
        "Ａ": "A", "Ｂ": "B", "Ｃ": "C", "Ｄ": "D",
        "أ": "A", "ب": "B", "ج": "C", "د": "D",
        "অ": "A", "ব": "B", "ড": "C", "ঢ": "D",
        "ア": "A", "イ": "B", "ウ": "C", "エ": "D",
    ]

    /// The answer with other scripts' letters mapped to A–D and surrounding spaces removed.
    static func normalize(_ answer: String) -> String {
        let mapped = answer.map { letterMap[$0] ?? String($0) }.joined()
        return String(mapped.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
