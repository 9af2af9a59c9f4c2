/// One operation of the key-value benchmark, as named in the output's `op` field.
enum KVOperation: String, CaseIterable, Sendable {
    /// `set(_:value:)` of one random key of 10,000 (autocommit on SQL backends).
    case set
    /// `get(_:)` of a random existing key of 10,000.
    case get
    /// `entries(in:)` of a random half-open range holding 1,000 of the 10,000 keys.
    case range
    /// `entries(withPrefix:)` of a random prefix shared by 100 of the 10,000 keys.
    case prefix
    /// One `set(_:)` call writing 100 consecutive keys.
    case batchSet = "batch_set"

    /// Whether the operation reads the 10,000 keys, so the store is filled before it is measured.
    var readsData: Bool {
        switch self {
        case .get, .range, .prefix: return true
        case .set, .batchSet: return false
        }
    }
}
