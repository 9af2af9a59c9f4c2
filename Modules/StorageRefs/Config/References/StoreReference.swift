/// Any reference to a store: key-value or table, wherever it appears in a run config.
///
/// Used to list and check every reference in a document, including those inside provider configs
/// (`providers.vector_io[0].config.persistence`).
public enum StoreReference: Sendable, Hashable {
    /// A key-value store reference.
    case keyValue(KVStoreReference)
    /// A table store reference.
    case table(SQLStoreReference)

    /// The backend named by the reference.
    public var backend: String {
        switch self {
        case .keyValue(let reference): return reference.backend
        case .table(let reference): return reference.backend
        }
    }

    /// The family of backend the reference needs.
    public var requiredFamily: StorageBackendFamily {
        switch self {
        case .keyValue: return .keyValue
        case .table: return .sql
        }
    }

    /// `namespace registry` or `table openai_conversations`, for people.
    public var target: String {
        switch self {
        case .keyValue(let reference): return "namespace \(reference.namespace)"
        case .table(let reference): return "table \(reference.tableName)"
        }
    }
}
