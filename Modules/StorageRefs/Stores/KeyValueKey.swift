/// The key and namespace rules every ``KeyValueStore`` enforces before any I/O.
public enum KeyValueKey {
    /// Checks a key: it must not be empty and must not contain U+0000 (PostgreSQL text cannot hold it, and a C
    /// string would cut it short).
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` naming the problem.
    public static func validate(_ key: String) throws(StorageError) {
        if key.isEmpty {
            throw StorageError(code: .invalidKey, message: "a key must not be empty")
        }
        if key.utf8.contains(0) {
            throw StorageError(code: .invalidKey, message: "the key \(key.debugDescription) contains U+0000, which keys cannot hold")
        }
    }

    /// Checks every key of a batch before any of it is written or read.
    public static func validate(_ keys: some Sequence<String>) throws(StorageError) {
        for key in keys { try validate(key) }
    }

    /// Checks a namespace: the same rules as a key.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey``.
    public static func validateNamespace(_ namespace: String) throws(StorageError) {
        if namespace.isEmpty {
            throw StorageError(code: .invalidKey, message: "a key-value namespace must not be empty")
        }
        if namespace.utf8.contains(0) {
            throw StorageError(code: .invalidKey, message: "the namespace \(namespace.debugDescription) contains U+0000")
        }
    }

    /// Checks a range limit: nil (no limit) or at least 0.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidValue`` for a negative limit.
    public static func validate(limit: Int?) throws(StorageError) {
        if let limit, limit < 0 {
            throw StorageError(code: .invalidValue, message: "a range limit must be 0 or more, got \(limit)")
        }
    }
}
