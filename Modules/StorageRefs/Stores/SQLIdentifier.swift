/// Validation of SQL identifiers (table, column and index names) before any SQL is built.
///
/// A valid identifier matches `^[A-Za-z_][A-Za-z0-9_]*$` (ASCII only) and is at most 63 UTF-8
/// bytes long (PostgreSQL's `NAMEDATALEN - 1`; it silently truncates longer names). Stores
/// validate every identifier with ``validate(_:kind:)`` and then still quote it, so reserved words
/// such as `order` are usable. Identifiers are case-sensitive in this API; avoid names that
/// differ only in case, because SQLite does not distinguish them.
public enum SQLIdentifier {
    /// The maximum length of an identifier in UTF-8 bytes: 63.
    public static let maximumLength = 63

    /// Whether `name` is a valid identifier.
    ///
    /// - Parameter name: A table, column or index name.
    /// - Returns: `true` when `name` is non-empty, at most 63 bytes, starts with an ASCII letter or
    ///   `_`, and continues with ASCII letters, digits or `_`.
    public static func isValid(_ name: String) -> Bool {
        var count = 0
        for byte in name.utf8 {
            count += 1
            guard count <= Self.maximumLength else { return false }
            let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            let isDigit = byte >= 0x30 && byte <= 0x39
            guard isLetter || (isDigit && count > 1) else { return false }
        }
        return count > 0
    }

    /// Returns `name` when it is a valid identifier, and throws otherwise.
    ///
    /// - Parameters:
    ///   - name: A table, column or index name.
    ///   - kind: What the name is, for the message: `"table"`, `"column"`, `"index"`.
    /// - Returns: `name`, unchanged.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidIdentifier``, whose
    ///   message names the kind and quotes the name (truncated when very long).
    public static func validate(_ name: String, kind: String) throws(StorageError) -> String {
        guard Self.isValid(name) else {
            let shown = name.count > 80 ? String(name.prefix(80)) + "…" : name
            throw StorageError(
                code: .invalidIdentifier,
                message: "invalid \(kind) name \"\(shown)\": it must match ^[A-Za-z_][A-Za-z0-9_]*$ "
                    + "and be at most \(Self.maximumLength) bytes"
            )
        }
        return name
    }
}
