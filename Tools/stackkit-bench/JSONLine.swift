import Foundation

/// A JSON object written with its keys in a fixed order, on one line.
struct JSONLine {
    /// A JSON value of the few kinds the benchmark prints.
    indirect enum Value {
        case string(String)
        case integer(Int)
        case number(Double, digits: Int)
        case bool(Bool)
        case null
        case array([Value])
        case object(JSONLine)
    }

    var fields: [(String, Value)]

    init(_ fields: [(String, Value)]) {
        self.fields = fields
    }

    /// The object's JSON text.
    var text: String {
        "{" + self.fields.map { Self.quote($0.0) + ":" + Self.render($0.1) }.joined(separator: ",") + "}"
    }

    private static func render(_ value: Value) -> String {
        switch value {
        case .string(let string): return quote(string)
        case .integer(let integer): return String(integer)
        case .number(let number, let digits):
            return number.isFinite ? String(format: "%.\(digits)f", number) : "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .null: return "null"
        case .array(let values): return "[" + values.map(render).joined(separator: ",") + "]"
        case .object(let object): return object.text
        }
    }

    private static func quote(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
