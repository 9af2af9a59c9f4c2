/// Any JSON value, with integers kept apart from floating-point numbers.
///
/// Integers that fit in `Int64` are ``int(_:)``, so identifiers and counters round-trip exactly
/// (a `Double` would silently round integers above 2^53); every other number is ``double(_:)``.
/// Equality is structural and exact: `.int(1)` and `.double(1)` are different values, and two
/// objects are equal when they have the same keys with equal values (key order does not matter).
///
/// ```swift
/// let metadata: JSONValue = ["tags": ["a", "b"], "count": 3, "score": 0.5, "note": nil]
/// metadata["tags"]?[0]?.stringValue  // "a"
/// ```
///
/// See ``init(from:)`` and ``encode(to:)`` for the `Codable` mapping.
public indirect enum JSONValue: Hashable, Sendable {
    /// The JSON `null`.
    case null

    /// A JSON `true` or `false`.
    case bool(Bool)

    /// A JSON number that is an integer fitting in `Int64`.
    case int(Int64)

    /// Any other JSON number. Must be finite to be encoded.
    case double(Double)

    /// A JSON string.
    case string(String)

    /// A JSON array, in order.
    case array([JSONValue])

    /// A JSON object. Keys are unique; their order is not significant.
    case object([String: JSONValue])
}

extension JSONValue {
    /// Whether the value is the JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean, when the value is ``bool(_:)``; otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, when the value is ``int(_:)``; otherwise `nil`.
    ///
    /// A ``double(_:)`` is not converted, even when it is integral.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, when the value is ``int(_:)`` or ``double(_:)``; otherwise `nil`.
    ///
    /// Integers beyond 2^53 are rounded to the nearest `Double`.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The string, when the value is ``string(_:)``; otherwise `nil`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, when the value is ``array(_:)``; otherwise `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, when the value is ``object(_:)``; otherwise `nil`.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key` of an object.
    ///
    /// Returns `nil` when the value is not an object or has no such member; a member whose value
    /// is JSON `null` returns `.null`, so "missing" and "null" stay distinct.
    ///
    /// - Parameter key: The member name.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index` of an array.
    ///
    /// Returns `nil` when the value is not an array or `index` is out of bounds (never traps).
    ///
    /// - Parameter index: A zero-based position.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
