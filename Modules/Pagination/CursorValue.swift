/// One sort value of a cursor position: a string, integer, float, boolean or null.
///
/// Values of one kind compare naturally (strings by their UTF-8 bytes, `false < true`); integers
/// and floats compare numerically with each other; `null` sorts before every other value. Other
/// mixes of kinds cannot be compared.
public enum CursorValue: Hashable, Sendable, Codable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case null

    /// Compares two values: negative, zero or positive; `nil` when their kinds cannot be compared.
    public static func compare(_ lhs: CursorValue, _ rhs: CursorValue) -> Int? {
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.string(let a), .string(let b)):
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a.utf8.elementsEqual(b.utf8) ? 0 : 1)
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.integer(let a), .float(let b)): return Self.compare(Double(a), b)
        case (.float(let a), .integer(let b)): return Self.compare(a, Double(b))
        case (.float(let a), .float(let b)): return Self.compare(a, b)
        default: return nil
        }
    }

    private static func compare(_ a: Double, _ b: Double) -> Int? {
        guard !a.isNaN, !b.isNaN else { return nil }
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    private enum CodingKeys: String, CodingKey { case s, i, f, b, n }

    /// Decodes `{"s": …}`, `{"i": …}`, `{"f": …}`, `{"b": …}` or `{"n": true}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(String.self, forKey: .s) {
            self = .string(value)
        } else if let value = try container.decodeIfPresent(Int64.self, forKey: .i) {
            self = .integer(value)
        } else if let value = try container.decodeIfPresent(Double.self, forKey: .f) {
            self = .float(value)
        } else if let value = try container.decodeIfPresent(Bool.self, forKey: .b) {
            self = .boolean(value)
        } else if try container.decodeIfPresent(Bool.self, forKey: .n) == true {
            self = .null
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a cursor value"))
        }
    }

    /// Encodes the value tagged with its kind, so integers and floats stay apart.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: .s)
        case .integer(let value): try container.encode(value, forKey: .i)
        case .float(let value): try container.encode(value, forKey: .f)
        case .boolean(let value): try container.encode(value, forKey: .b)
        case .null: try container.encode(true, forKey: .n)
        }
    }
}
