/// A value in a scoring row or result: what llama-stack's rows hold (numbers, booleans, strings, `None`).
public enum ScoreValue: Hashable, Sendable {
    /// No value (Python's `None`, JSON `null`).
    case null
    /// A boolean; counts as 1 or 0 in numeric aggregations.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// Text.
    case string(String)

    /// The value as a number: integers and doubles as they are, booleans as 1 or 0; `nil` for null and text.
    public var number: Double? {
        switch self {
        case .bool(let flag): flag ? 1 : 0
        case .int(let value): Double(value)
        case .double(let value): value
        case .null, .string: nil
        }
    }

    /// The value as text, when it is text.
    public var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Whether the value is ``null``.
    public var isNull: Bool { self == .null }

    /// The value as Python's `str()` writes it, the key llama-stack's `categorical_count` uses: `True`, `1`,
    /// `1.0`, `0.5`, `None`, or the text itself.
    public var pythonString: String {
        switch self {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let value): return String(value)
        case .string(let text): return text
        case .double(let value):
            if value.isNaN { return "nan" }
            if value.isInfinite { return value < 0 ? "-inf" : "inf" }
            if value == value.rounded(), abs(value) < 1e16 {
                return (value == 0 && value.sign == .minus ? "-" : "") + "\(Int64(value)).0"
            }
            return "\(value)"
        }
    }
}

extension ScoreValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByStringLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// One scored row: at least `score`; `weight` for weighted averages; anything else a function reports.
public typealias ScoreRow = [String: ScoreValue]

/// One input row: the fields a scoring function reads (`expected_answer`, `generated_answer`, …).
public typealias InputRow = [String: ScoreValue]
