public import Foundation

/// A key, its value and its expiration, as written by a batch ``KeyValueStore/set(_:)`` or
/// returned by a range scan.
///
/// A `nil` ``expiration`` means the entry never expires.
public struct KeyValueEntry: Hashable, Sendable {
    /// The key, relative to the store's namespace; never empty in a store.
    public var key: String

    /// The value's bytes.
    public var value: [UInt8]

    /// The absolute instant at which the entry expires, or `nil` when it never does.
    ///
    /// From this instant on (inclusive), the entry is invisible to reads.
    public var expiration: Date?

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - key: The key; a store rejects an empty key with ``StorageError/Code-swift.struct/invalidKey``.
    ///   - value: The value's bytes.
    ///   - expiration: The absolute expiration instant; `nil` (the default) for no expiry.
    public init(key: String, value: [UInt8], expiration: Date? = nil) {
        self.key = key
        self.value = value
        self.expiration = expiration
    }

    /// Creates an entry whose value is a string's UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - key: The key.
    ///   - string: The value, stored as UTF-8.
    ///   - expiration: The absolute expiration instant; `nil` (the default) for no expiry.
    public init(key: String, string: String, expiration: Date? = nil) {
        self.init(key: key, value: Array(string.utf8), expiration: expiration)
    }

    /// The value decoded as UTF-8, or `nil` when the bytes are not valid UTF-8.
    ///
    /// Decoding is strict: invalid bytes are not replaced with U+FFFD.
    public var stringValue: String? {
        String(validating: self.value, as: UTF8.self)
    }
}
