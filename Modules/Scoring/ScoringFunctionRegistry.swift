/// The scoring functions a stack offers, by identifier.
///
/// Registering an identifier twice and unregistering a missing one are errors (as in llama-stack). Parameters
/// given to a call never change a registered definition (llama-stack's `aggregate` appended a call's
/// aggregation functions to the registered ones).
public actor ScoringFunctionRegistry {
    private var functions: [String: any ScoringFunction] = [:]

    /// Creates a registry holding `functions`.
    ///
    /// - Throws: ``ScoringError`` `duplicateFunction` when two share an identifier.
    public init(_ functions: [any ScoringFunction] = []) throws(ScoringError) {
        for function in functions {
            let identifier = function.definition.identifier
            guard self.functions[identifier] == nil else { throw Self.duplicate(identifier) }
            self.functions[identifier] = function
        }
    }

    /// A registry with the basic functions: equality, subset-of and the multiple-choice regex parser.
    public static func basic() -> ScoringFunctionRegistry {
        let functions: [any ScoringFunction] = [EqualityScoringFunction(), SubsetOfScoringFunction(), RegexParserMultipleChoiceScoringFunction()]
        // Their identifiers differ, so they need no duplicate check.
        return ScoringFunctionRegistry(unchecked: Dictionary(uniqueKeysWithValues: functions.map { ($0.definition.identifier, $0) }))
    }

    private init(unchecked functions: [String: any ScoringFunction]) {
        self.functions = functions
    }

    /// Adds a function.
    ///
    /// - Throws: ``ScoringError`` `duplicateFunction` when its identifier is taken.
    public func register(_ function: any ScoringFunction) throws(ScoringError) {
        let identifier = function.definition.identifier
        guard functions[identifier] == nil else { throw Self.duplicate(identifier) }
        functions[identifier] = function
    }

    /// Removes a function.
    ///
    /// - Throws: ``ScoringError`` `unknownFunction` when none has the identifier.
    public func unregister(_ identifier: String) throws(ScoringError) {
        guard functions.removeValue(forKey: identifier) != nil else { throw Self.unknown(identifier) }
    }

    /// The function with `identifier`.
    ///
    /// - Throws: ``ScoringError`` `unknownFunction`.
    public func function(_ identifier: String) throws(ScoringError) -> any ScoringFunction {
        guard let function = functions[identifier] else { throw Self.unknown(identifier) }
        return function
    }

    /// Every registered definition, sorted by identifier.
    public func definitions() -> [ScoringFunctionDefinition] {
        functions.values.map(\.definition).sorted { $0.identifier < $1.identifier }
    }

    static func duplicate(_ identifier: String) -> ScoringError {
        ScoringError(code: .duplicateFunction, message: "Scoring function \(identifier) is already registered")
    }

    static func unknown(_ identifier: String) -> ScoringError {
        ScoringError(code: .unknownFunction, message: "Scoring function \(identifier) is not registered")
    }
}
