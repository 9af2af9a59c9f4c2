/// Where one namespace's keys live on the server: the Redis key of each value and of the namespace's index.
///
/// Both embed the namespace's UTF-8 byte length before the namespace, so no namespace-and-key pair can produce
/// another pair's Redis key: namespace `"a"` with key `"b:c"` is `skv:v:1:a:b:c`, namespace `"a:b"` with key `"c"`
/// is `skv:v:3:a:b:c`.
///
/// - Value of `key`: a string at `skv:v:<byte length of namespace>:<namespace>:<key>`, with a native expiry when the
///   entry has one.
/// - Index: a sorted set at `skv:i:<byte length of namespace>:<namespace>` holding every key of the namespace with
///   score 0, so `ZRANGEBYLEX` walks the keys in UTF-8 byte order. Scans remove members whose value has expired.
package struct RedisKeyLayout: Sendable, Hashable {
    /// The namespace, never empty.
    package let namespace: String

    /// The bytes every value key of the namespace starts with: `skv:v:<length>:<namespace>:`.
    package let valueKeyPrefix: [UInt8]

    /// The Redis key of the namespace's index: `skv:i:<length>:<namespace>`.
    package let indexKey: [UInt8]

    /// The layout of `namespace`.
    ///
    /// - Parameter namespace: A non-empty namespace.
    package init(namespace: String) {
        let length = namespace.utf8.count
        self.namespace = namespace
        self.valueKeyPrefix = Array("skv:v:\(length):\(namespace):".utf8)
        self.indexKey = Array("skv:i:\(length):\(namespace)".utf8)
    }

    /// The Redis key that holds `key`'s value.
    ///
    /// - Parameter key: A key of this namespace.
    /// - Returns: ``valueKeyPrefix`` followed by the key's UTF-8 bytes.
    package func valueKey(_ key: String) -> [UInt8] {
        // One allocation of the final size, rather than an array of the key's bytes and then the concatenation.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.valueKeyPrefix.count + key.utf8.count)
        bytes.append(contentsOf: self.valueKeyPrefix)
        bytes.append(contentsOf: key.utf8)
        return bytes
    }
}
