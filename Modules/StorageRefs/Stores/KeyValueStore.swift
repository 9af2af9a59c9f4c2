public import Foundation

/// A namespaced key-value store: the plug-in point implemented by every key-value backend.
///
/// A backend hands out one store per namespace. Keys are non-empty strings, values are bytes, and
/// every operation is `async throws`. Every backend (in-memory, SQLite, PostgreSQL, Redis) keeps
/// the same contract, which one conformance suite proves:
///
/// - **Keys.** A key is any non-empty `String`; an empty key is rejected with
///   ``StorageError/Code-swift.struct/invalidKey`` by every operation that takes keys, before
///   anything is written. Keys are compared by their UTF-8 bytes: two keys are the same key only
///   when their UTF-8 bytes are equal (`"\u{E9}"` and `"e\u{301}"` are different keys).
/// - **Namespaces isolate completely.** A key written through one namespace's store is invisible
///   to every other namespace's store on the same backend, including to range and prefix scans,
///   whatever characters the namespace or key contain.
/// - **Order.** Range results are ascending by the keys' UTF-8 bytes, on every backend. This is
///   not Swift's `String` `<`; see ``KeyRange``.
/// - **Ranges are half-open**, `[lowerBound, upperBound)`; see ``KeyRange``.
/// - **Expiration** is an absolute instant. From that instant on, the key is invisible to
///   ``get(_:)-(String)``, the batch get, ``entries(in:limit:)`` and every convenience built on
///   them, exactly as if it had been deleted; the backend reclaims its storage eventually. Writing
///   a key again replaces its expiration (a `nil` expiration removes it). An expiration in the
///   past makes the write immediately invisible.
/// - **Delete** of a missing or expired key is a no-op, not an error.
/// - **Batches.** The batch ``get(_:)-([String])`` and ``set(_:)`` are one round trip where the
///   backend allows it, and atomic per call on SQL backends: either every entry is written or
///   none is.
/// - **Errors** are ``StorageError`` values; a backend failure is wrapped with its ``StorageError/cause``.
///
/// Conforming types must be safe to call from many tasks at once. Values are stored and
/// returned byte for byte; the store never interprets them.
public protocol KeyValueStore: Sendable {
    /// Returns the value stored under `key`, or `nil` when the key is missing or expired.
    ///
    /// - Parameter key: A non-empty key.
    /// - Returns: The value's bytes, or `nil`.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty
    ///   key, or a backend error.
    func get(_ key: String) async throws -> [UInt8]?

    /// Stores `value` under `key`, replacing any previous value and expiration.
    ///
    /// - Parameters:
    ///   - key: A non-empty key.
    ///   - value: The bytes to store; may be empty.
    ///   - expiration: The absolute instant from which the key is invisible, or `nil` for never.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty
    ///   key, or a backend error.
    func set(_ key: String, value: [UInt8], expiration: Date?) async throws

    /// Removes `key` and its value.
    ///
    /// Deleting a missing or expired key is a no-op and does not throw.
    ///
    /// - Parameter key: A non-empty key.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty
    ///   key, or a backend error.
    func delete(_ key: String) async throws

    /// Returns the values of several keys in one call.
    ///
    /// Missing and expired keys are absent from the result; a key listed twice appears once.
    ///
    /// - Parameter keys: Non-empty keys; may be an empty array (the result is then empty).
    /// - Returns: The value of every present key, by key.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` when any key
    ///   is empty (nothing is read), or a backend error.
    func get(_ keys: [String]) async throws -> [String: [UInt8]]

    /// Stores several entries in one call.
    ///
    /// Atomic per call on SQL backends: every entry is written or, when the call throws, none is.
    /// When the same key appears more than once, the last entry wins. Each entry carries its own
    /// expiration.
    ///
    /// - Parameter entries: The entries to write; may be empty (a no-op).
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` when any key
    ///   is empty (nothing is written), or a backend error.
    func set(_ entries: [KeyValueEntry]) async throws

    /// Returns the live entries whose keys lie in `range`, ascending by the keys' UTF-8 bytes.
    ///
    /// The range is half-open (see ``KeyRange``). Expired entries are skipped; they never count
    /// toward `limit`. Each returned entry carries its expiration. An empty range returns `[]`.
    ///
    /// - Parameters:
    ///   - range: The keys to return.
    ///   - limit: The maximum number of entries, or `nil` for all of them. `0` returns `[]`.
    /// - Returns: At most `limit` entries, ascending by UTF-8 bytes of their keys.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidValue`` for a
    ///   negative limit, or a backend error.
    func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry]

    /// The number of keys in this store's namespace that have not expired.
    ///
    /// - Throws: ``StorageError`` when the backend fails.
    func count() async throws -> Int
}
