public import StorageRefs

/// A condition on a chunk's metadata: a comparison of one key with a value, or an `and`/`or` of conditions.
///
/// The JSON form is OpenAI's vector-store search filter: `{"type": "eq", "key": "lang", "value": "en"}` and
/// `{"type": "and", "filters": [...]}`; ``init(json:)`` reads it and names the part at fault when it is malformed.
///
/// Matching (``matches(_:)``):
/// - Numbers compare numerically (`1` equals `1.0`); strings compare by their UTF-8 bytes; other values only by
///   equality.
/// - `gt`, `gte`, `lt`, `lte` match only when the metadata value and the filter value are both numbers or both
///   strings.
/// - A key the chunk lacks matches nothing, except `ne` and `nin`, which it satisfies.
/// - An empty `and` matches every chunk; an empty `or` matches none.
public indirect enum MetadataFilter: Hashable, Sendable {
    /// The comparison operators.
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case equal = "eq"
        case notEqual = "ne"
        case greater = "gt"
        case greaterOrEqual = "gte"
        case less = "lt"
        case lessOrEqual = "lte"
        case `in` = "in"
        case notIn = "nin"
    }

    /// `metadata[key] <op> value`.
    case compare(key: String, Comparison, JSONValue)
    /// Every filter matches.
    case and([MetadataFilter])
    /// At least one filter matches.
    case or([MetadataFilter])

    /// `metadata[key] == value`.
    public static func equal(_ key: String, _ value: JSONValue) -> MetadataFilter { .compare(key: key, .equal, value) }

    /// Reads the OpenAI JSON form.
    ///
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidFilter`` naming the path of
    ///   the part at fault (for example `filter.filters[1].value`): not an object, unknown `type`, missing or empty
    ///   `key`, missing `value`, `in`/`nin` without an array of scalars, an ordering operator with a value that is
    ///   neither a number nor a string, `filters` not an array.
    public init(json: JSONValue) throws(VectorIOError) {
        self = try Self.parse(json, path: "")
    }

    private static func parse(_ json: JSONValue, path: String) throws(VectorIOError) -> MetadataFilter {
        guard case .object(let members) = json else {
            throw .invalidFilter(at: path, "expected an object with a \"type\", got \(Self.kind(json))")
        }
        guard let type = members["type"]?.stringValue else {
            throw .invalidFilter(at: path + ".type", "missing; expected one of eq, ne, gt, gte, lt, lte, in, nin, and, or")
        }
        switch type {
        case "and", "or":
            guard case .array(let parts)? = members["filters"] else {
                throw .invalidFilter(at: path + ".filters", "expected an array of filters for \"\(type)\"")
            }
            var filters: [MetadataFilter] = []
            for (index, part) in parts.enumerated() {
                filters.append(try parse(part, path: path + ".filters[\(index)]"))
            }
            return type == "and" ? .and(filters) : .or(filters)
        default:
            guard let comparison = Comparison(rawValue: type) else {
                throw .invalidFilter(
                    at: path + ".type",
                    "unknown type \"\(type)\"; expected one of eq, ne, gt, gte, lt, lte, in, nin, and, or"
                )
            }
            guard let key = members["key"]?.stringValue, !key.isEmpty else {
                throw .invalidFilter(at: path + ".key", "expected a non-empty string")
            }
            guard let value = members["value"] else {
                throw .invalidFilter(at: path + ".value", "missing")
            }
            let filter = MetadataFilter.compare(key: key, comparison, value)
            try filter.validateComparison(path: path)
            return filter
        }
    }

    /// Checks the value types of every comparison.
    ///
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidFilter`` as ``init(json:)``.
    public func validate() throws(VectorIOError) {
        try validate(path: "")
    }

    private func validate(path: String) throws(VectorIOError) {
        switch self {
        case .compare:
            try validateComparison(path: path)
        case .and(let filters), .or(let filters):
            for (index, filter) in filters.enumerated() {
                try filter.validate(path: path + ".filters[\(index)]")
            }
        }
    }

    private func validateComparison(path: String) throws(VectorIOError) {
        guard case .compare(let key, let comparison, let value) = self else { return }
        if key.isEmpty { throw .invalidFilter(at: path + ".key", "expected a non-empty string") }
        switch comparison {
        case .in, .notIn:
            guard case .array(let values) = value else {
                throw .invalidFilter(at: path + ".value", "\"\(comparison.rawValue)\" needs an array, got \(Self.kind(value))")
            }
            for (index, element) in values.enumerated() where !Self.isScalar(element) {
                throw .invalidFilter(at: path + ".value[\(index)]", "expected a string, number or boolean, got \(Self.kind(element))")
            }
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard value.doubleValue != nil || value.stringValue != nil else {
                throw .invalidFilter(
                    at: path + ".value",
                    "\"\(comparison.rawValue)\" needs a number or a string, got \(Self.kind(value))"
                )
            }
        case .equal, .notEqual:
            guard Self.isScalar(value) else {
                throw .invalidFilter(at: path + ".value", "expected a string, number or boolean, got \(Self.kind(value))")
            }
        }
    }

    /// Whether `metadata` satisfies the filter (see the type's matching rules).
    public func matches(_ metadata: [String: JSONValue]) -> Bool {
        switch self {
        case .and(let filters):
            return filters.allSatisfy { $0.matches(metadata) }
        case .or(let filters):
            return filters.contains { $0.matches(metadata) }
        case .compare(let key, let comparison, let value):
            guard let actual = metadata[key] else {
                return comparison == .notEqual || comparison == .notIn
            }
            switch comparison {
            case .equal: return Self.equal(actual, value)
            case .notEqual: return !Self.equal(actual, value)
            case .in: return value.arrayValue?.contains { Self.equal(actual, $0) } ?? false
            case .notIn: return !(value.arrayValue?.contains { Self.equal(actual, $0) } ?? false)
            case .greater: return Self.order(actual, value).map { $0 > 0 } ?? false
            case .greaterOrEqual: return Self.order(actual, value).map { $0 >= 0 } ?? false
            case .less: return Self.order(actual, value).map { $0 < 0 } ?? false
            case .lessOrEqual: return Self.order(actual, value).map { $0 <= 0 } ?? false
            }
        }
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .int, .double, .bool: true
        default: false
        }
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = number(lhs), let right = number(rhs) { return left == right }
        return lhs == rhs
    }

    /// Numbers as doubles; booleans are not numbers here.
    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// -1, 0 or 1 when both are numbers or both strings; `nil` otherwise.
    private static func order(_ lhs: JSONValue, _ rhs: JSONValue) -> Int? {
        if let left = number(lhs), let right = number(rhs) {
            return left < right ? -1 : (left > right ? 1 : 0)
        }
        if case .string(let left) = lhs, case .string(let right) = rhs {
            if left.utf8.elementsEqual(right.utf8) { return 0 }
            return left.utf8.lexicographicallyPrecedes(right.utf8) ? -1 : 1
        }
        return nil
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
