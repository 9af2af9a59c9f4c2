/// What a scoring function is: its identifier, description and default parameters.
public struct ScoringFunctionDefinition: Hashable, Sendable {
    /// The identifier callers name it by, such as `basic::equality`.
    public var identifier: String
    /// What it scores, for people.
    public var description: String
    /// The parameters used when a call gives none.
    public var parameters: ScoringParameters

    /// Creates a definition.
    public init(identifier: String, description: String, parameters: ScoringParameters = ScoringParameters()) {
        self.identifier = identifier
        self.description = description
        self.parameters = parameters
    }
}

/// Parameters of a scoring function call.
public struct ScoringParameters: Hashable, Sendable {
    /// How the rows' scores are aggregated; every one listed is computed and their results merged.
    public var aggregations: [Aggregation]
    /// Regular expressions whose first capture group extracts an answer (the regex parser's `parsing_regexes`).
    public var parsingRegexes: [String]

    /// Creates parameters.
    public init(aggregations: [Aggregation] = [], parsingRegexes: [String] = []) {
        self.aggregations = aggregations
        self.parsingRegexes = parsingRegexes
    }
}

/// A function that scores one row at a time.
///
/// Implementations must be safe to call concurrently and should check for cancellation in long work, so a
/// row time limit ends them promptly.
public protocol ScoringFunction: Sendable {
    /// The function's identifier, description and default parameters.
    var definition: ScoringFunctionDefinition { get }

    /// Scores one row.
    ///
    /// - Parameters:
    ///   - row: The input fields.
    ///   - parameters: The parameters in force for this call.
    /// - Returns: The row's result, with at least `score`.
    /// - Throws: ``ScoringError`` `invalidRow` naming the field at fault, or `invalidParameter`.
    func scoreRow(_ row: InputRow, parameters: ScoringParameters) async throws -> ScoreRow
}

extension InputRow {
    /// The text field `key`, or a typed error naming it.
    func requiredText(_ key: String, function: String) throws(ScoringError) -> String {
        guard let value = self[key] else {
            throw ScoringError(code: .invalidRow, message: "\(function): the row has no \(key)")
        }
        guard let text = value.text else {
            throw ScoringError(code: .invalidRow, message: "\(function): \(key) must be text, found \(value.pythonString)")
        }
        return text
    }
}
