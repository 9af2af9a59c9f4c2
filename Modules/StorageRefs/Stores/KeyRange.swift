/// A half-open range of key-value keys, ordered by the keys' UTF-8 bytes.
///
/// A range contains every key `k` with `lowerBound <= k` and, when ``upperBound`` is not `nil`,
/// `k < upperBound`, where `<` compares the keys' UTF-8 encodings byte by byte
/// (lexicographically, a shorter key before any longer key it is a prefix of). This is the order
/// of SQLite's `BINARY` collation, PostgreSQL's `"C"` collation over `bytea`, and Redis sorted sets
/// with equal scores, so every backend returns the same keys in the same order.
///
/// > Important: UTF-8 byte order is **not** the order of Swift's `String` `<`, which compares
/// > Unicode canonical equivalents. For example `"\u{FFFD}" < "\u{1F600}"` holds in both orders,
/// > but `"e\u{301}"` and `"\u{E9}"` are equal as Swift strings and different keys here. Use
/// > ``utf8Precedes(_:_:)`` to sort keys.
///
/// Build a range with ``init(from:to:)``, ``prefix(_:)``, ``from(_:)`` or ``all``:
///
/// ```swift
/// try await store.entries(in: .prefix("user:"), limit: 100)
/// try await store.entries(in: KeyRange(from: "a", to: "m"), limit: nil)  // [a, m)
/// ```
public struct KeyRange: Hashable, Sendable {
    /// The smallest key in the range (inclusive).
    ///
    /// The empty string means "from the first key".
    public let lowerBound: String

    /// The UTF-8 bytes of the first key past the range (exclusive), or `nil` when the range is
    /// unbounded above.
    ///
    /// Stored as bytes because the bound of a ``prefix(_:)`` range is the prefix with its last byte
    /// incremented, which need not be valid UTF-8. Drivers must compare it as bytes (`BLOB`,
    /// `bytea`) or use ``prefix`` instead.
    public let upperBound: [UInt8]?

    /// The prefix this range was built from with ``prefix(_:)``, or `nil` otherwise.
    ///
    /// When set, the range contains exactly the keys that start with this prefix (by UTF-8 bytes),
    /// so drivers may use a native prefix operation (Redis `ZRANGEBYLEX`, PostgreSQL `starts_with`)
    /// instead of comparing against the bounds. An empty prefix means every key.
    public let prefix: String?

    /// The same exclusive upper bound as ``upperBound``, as a valid string key, or `nil` when the range is
    /// unbounded above.
    ///
    /// For a ``prefix(_:)`` range this is the prefix with its last Unicode scalar replaced by the next one
    /// (skipping surrogates; a trailing U+10FFFF is dropped and the scalar before it advanced). Because UTF-8 byte
    /// order is code-point order, `[prefix, upperBoundKey)` holds exactly the valid keys of
    /// `[prefix, upperBound)`, so drivers can bind it as text (SQLite `TEXT`, PostgreSQL `text COLLATE "C"`,
    /// Redis `ZRANGEBYLEX`).
    public let upperBoundKey: String?

    private init(lowerBound: String, upperBound: [UInt8]?, prefix: String?, upperBoundKey: String?) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.prefix = prefix
        self.upperBoundKey = upperBoundKey
    }

    /// Creates the half-open range `[start, end)`.
    ///
    /// The range contains `start` and not `end`. When `end` does not follow `start` in UTF-8 byte
    /// order the range ``isEmpty``.
    ///
    /// - Parameters:
    ///   - start: The smallest key in the range (inclusive).
    ///   - end: The first key past the range (exclusive).
    public init(from start: String, to end: String) {
        self.init(lowerBound: start, upperBound: Array(end.utf8), prefix: nil, upperBoundKey: end)
    }

    /// The range of every key that starts with `prefix`, compared by UTF-8 bytes.
    ///
    /// The lower bound is `prefix` and the upper bound is `prefix`'s UTF-8 bytes with the last byte
    /// incremented. That byte is never `0xFF` (the byte `0xFF` never occurs in UTF-8), so the
    /// increment cannot overflow, and the range holds every key starting with `prefix` whatever
    /// its following characters are: llama-stack's `prefix + "\u{FF}"` bound misses keys whose next
    /// character is above U+00FF, such as `"a\u{4E00}"` for the prefix `"a"`. The empty prefix
    /// yields a range of every key.
    ///
    /// - Parameter prefix: The prefix the keys share.
    /// - Returns: A range with ``prefix`` set.
    public static func prefix(_ prefix: String) -> KeyRange {
        var bytes = Array(prefix.utf8)
        guard let last = bytes.popLast() else {
            return KeyRange(lowerBound: "", upperBound: nil, prefix: "", upperBoundKey: nil)
        }
        // UTF-8 never contains 0xFF, so `last + 1` cannot overflow.
        bytes.append(last + 1)
        let successor = Self.successor(ofPrefix: prefix)
        return KeyRange(lowerBound: prefix, upperBound: successor == nil ? nil : bytes, prefix: prefix, upperBoundKey: successor)
    }

    /// The range of every key.
    public static var all: KeyRange {
        KeyRange(lowerBound: "", upperBound: nil, prefix: nil, upperBoundKey: nil)
    }

    /// The range of every key from `start` (inclusive) on, with no upper bound.
    ///
    /// - Parameter start: The smallest key in the range.
    /// - Returns: The range `[start, ∞)`.
    public static func from(_ start: String) -> KeyRange {
        KeyRange(lowerBound: start, upperBound: nil, prefix: nil, upperBoundKey: nil)
    }

    /// Whether the range contains no key at all.
    ///
    /// True when the upper bound is not after the lower bound in UTF-8 byte order. An unbounded
    /// range is never empty (even though a store may hold no key in it).
    public var isEmpty: Bool {
        guard let upperBound else { return false }
        return !self.lowerBound.utf8.lexicographicallyPrecedes(upperBound)
    }

    /// Whether `key` lies in the range.
    ///
    /// Compares UTF-8 bytes: `lowerBound <= key` and `key < upperBound` when the range is bounded.
    /// For a ``prefix(_:)`` range this is exactly "the key's UTF-8 bytes start with the prefix's".
    ///
    /// - Parameter key: The key to test.
    /// - Returns: `true` when the key is in `[lowerBound, upperBound)`.
    public func contains(_ key: String) -> Bool {
        if key.utf8.lexicographicallyPrecedes(self.lowerBound.utf8) {
            return false
        }
        guard let upperBound else { return true }
        return key.utf8.lexicographicallyPrecedes(upperBound)
    }

    /// Whether `lhs` comes before `rhs` in UTF-8 byte order, the order of keys in every store.
    ///
    /// Use it to sort keys the way stores return them: `keys.sorted(by: KeyRange.utf8Precedes)`.
    ///
    /// - Parameters:
    ///   - lhs: A key.
    ///   - rhs: Another key.
    /// - Returns: `true` when `lhs`'s UTF-8 bytes precede `rhs`'s lexicographically.
    public static func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Compares two byte sequences lexicographically.
    ///
    /// A shorter sequence that is a prefix of a longer one comes first.
    ///
    /// - Parameters:
    ///   - lhs: The first byte sequence, such as `key.utf8`.
    ///   - rhs: The second byte sequence.
    /// - Returns: A negative number when `lhs` comes first, zero when they are equal, a positive
    ///   number when `rhs` comes first.
    public static func compareUTF8(_ lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> Int {
        var left = lhs.makeIterator()
        var right = rhs.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let l?, let r?):
                if l != r { return l < r ? -1 : 1 }
            }
        }
    }

    /// The smallest string greater than every string that starts with `prefix`, in code-point order, or nil when
    /// there is none (the prefix is all U+10FFFF).
    private static func successor(ofPrefix prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }   // skip the surrogate range
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var result = String.UnicodeScalarView()
                result.append(contentsOf: scalars)
                return String(result)
            }
            // `last` was U+10FFFF: drop it and advance the scalar before it.
        }
        return nil
    }
}
