public import Foundation

extension KeyValueStore {
    /// Stores `value` under `key` with no expiration.
    ///
    /// Same as ``KeyValueStore/set(_:value:expiration:)`` with a `nil` expiration, which removes
    /// any expiration the key had.
    ///
    /// - Parameters:
    ///   - key: A non-empty key.
    ///   - value: The bytes to store.
    /// - Throws: As ``KeyValueStore/set(_:value:expiration:)``.
    public func set(_ key: String, value: [UInt8]) async throws {
        try await self.set(key, value: value, expiration: nil)
    }

    /// Stores a string's UTF-8 bytes under `key`.
    ///
    /// - Parameters:
    ///   - key: A non-empty key.
    ///   - string: The value, stored as UTF-8.
    ///   - expiration: The absolute expiration instant, or `nil` (the default) for never.
    /// - Throws: As ``KeyValueStore/set(_:value:expiration:)``.
    public func set(_ key: String, string: String, expiration: Date? = nil) async throws {
        try await self.set(key, value: Array(string.utf8), expiration: expiration)
    }

    /// Returns the value under `key` decoded as UTF-8, or `nil` when the key is missing or expired.
    ///
    /// - Parameter key: A non-empty key.
    /// - Returns: The decoded string, or `nil`.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidValue`` when the
    ///   stored bytes are not valid UTF-8 (a present value is never reported as missing), or as
    ///   ``KeyValueStore/get(_:)-(String)``.
    public func string(forKey key: String) async throws -> String? {
        guard let bytes = try await self.get(key) else { return nil }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw StorageError(code: .invalidValue, message: "the value of key \"\(key)\" is not valid UTF-8")
        }
        return string
    }

    /// Returns every live entry whose key lies in `range`, ascending by UTF-8 bytes.
    ///
    /// Same as ``KeyValueStore/entries(in:limit:)`` with no limit.
    ///
    /// - Parameter range: The keys to return.
    /// - Returns: The entries, ascending by UTF-8 bytes of their keys.
    /// - Throws: As ``KeyValueStore/entries(in:limit:)``.
    public func entries(in range: KeyRange) async throws -> [KeyValueEntry] {
        try await self.entries(in: range, limit: nil)
    }

    /// Returns the live keys in `range`, ascending by UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - range: The keys to return.
    ///   - limit: The maximum number of keys, or `nil` (the default) for all of them.
    /// - Returns: The keys, ascending by UTF-8 bytes.
    /// - Throws: As ``KeyValueStore/entries(in:limit:)``.
    public func keys(in range: KeyRange, limit: Int? = nil) async throws -> [String] {
        try await self.entries(in: range, limit: limit).map(\.key)
    }

    /// Returns the live values whose keys lie in `range`, in ascending UTF-8 order of their keys.
    ///
    /// - Parameters:
    ///   - range: The keys whose values to return.
    ///   - limit: The maximum number of values, or `nil` (the default) for all of them.
    /// - Returns: The values, ordered by their keys.
    /// - Throws: As ``KeyValueStore/entries(in:limit:)``.
    public func values(in range: KeyRange, limit: Int? = nil) async throws -> [[UInt8]] {
        try await self.entries(in: range, limit: limit).map(\.value)
    }

    /// Returns the live entries whose keys start with `prefix`, ascending by UTF-8 bytes.
    ///
    /// Correct for any Unicode prefix and key; see ``KeyRange/prefix(_:)``. An empty prefix
    /// returns every entry.
    ///
    /// - Parameters:
    ///   - prefix: The prefix the keys share, compared by UTF-8 bytes.
    ///   - limit: The maximum number of entries, or `nil` (the default) for all of them.
    /// - Returns: The entries, ascending by UTF-8 bytes of their keys.
    /// - Throws: As ``KeyValueStore/entries(in:limit:)``.
    public func entries(withPrefix prefix: String, limit: Int? = nil) async throws -> [KeyValueEntry] {
        try await self.entries(in: .prefix(prefix), limit: limit)
    }

    /// Returns the live keys that start with `prefix`, ascending by UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - prefix: The prefix the keys share, compared by UTF-8 bytes.
    ///   - limit: The maximum number of keys, or `nil` (the default) for all of them.
    /// - Returns: The keys, ascending by UTF-8 bytes.
    /// - Throws: As ``KeyValueStore/entries(in:limit:)``.
    public func keys(withPrefix prefix: String, limit: Int? = nil) async throws -> [String] {
        try await self.entries(in: .prefix(prefix), limit: limit).map(\.key)
    }
}
