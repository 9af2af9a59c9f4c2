import StorageRefs

/// The data every key-value measurement uses: 10,000 keys `p:0000` … `p:9999` with 100-byte values.
///
/// The keys sort the same way by UTF-8 bytes and by number, so `[keys[s], keys[s + 1000])` holds exactly 1,000
/// keys and each prefix `p:00` … `p:99` exactly 100.
struct KVWorkload: Sendable {
    /// Keys in the store.
    static let keyCount = 10_000
    /// Keys a `range` returns.
    static let rangeLength = 1_000
    /// Keys a `prefix` scan returns.
    static let prefixLength = 100
    /// Keys one `batch_set` writes.
    static let batchSize = 100
    /// Bytes per value.
    static let valueSize = 100

    /// Every key, ascending.
    let keys: [String]
    /// The value of each key: distinct per key, `valueSize` bytes.
    let values: [[UInt8]]
    /// The 100 prefixes, `p:00` … `p:99`; prefix `i` holds keys `100 i ..< 100 (i + 1)`.
    let prefixes: [String]
    /// The exclusive upper bound the stores bind for each prefix (``KeyRange/upperBoundKey``), for the raw
    /// baselines that run the same SQL.
    let prefixUpperBounds: [String]

    init() {
        var keys: [String] = []
        var values: [[UInt8]] = []
        keys.reserveCapacity(Self.keyCount)
        values.reserveCapacity(Self.keyCount)
        for index in 0..<Self.keyCount {
            let key = "p:" + Self.zeroPadded(index, width: 4)
            var value = Array("value of \(key) ".utf8)
            while value.count < Self.valueSize {
                value.append(UInt8(ascii: "a") + UInt8(value.count % 26))
            }
            keys.append(key)
            values.append(value)
        }
        self.keys = keys
        self.values = values
        self.prefixes = (0..<(Self.keyCount / Self.prefixLength)).map { "p:" + Self.zeroPadded($0, width: 2) }
        self.prefixUpperBounds = self.prefixes.map { KeyRange.prefix($0).upperBoundKey ?? "" }
    }

    /// The number of possible starts of a `range` (so that its exclusive end is still a key).
    static var rangeStarts: Int { keyCount - rangeLength }

    /// The number of possible starts of a `batch_set`.
    static var batchStarts: Int { keyCount - batchSize + 1 }

    /// `value` in decimal with leading zeros up to `width` digits.
    static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
