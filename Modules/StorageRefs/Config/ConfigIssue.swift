/// One problem found in a run config, with the path of the value at fault.
///
/// ``description`` reads as a sentence that starts with the path, for example
/// `storage.stores.metadata references unknown backend 'missing'; available backends: kv_default, sql_default`.
/// Issues never contain secret values.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var path: ConfigPath

    /// What is wrong, written to follow the path (`references unknown backend 'missing'; …`).
    public var problem: String

    /// Creates an issue.
    public init(path: ConfigPath, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `"<path> <problem>"`.
    public var description: String { "\(path) \(problem)" }
}
