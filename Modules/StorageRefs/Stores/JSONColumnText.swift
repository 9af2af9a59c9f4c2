/// The JSON text a `JSON` column holds: canonical (object keys sorted by UTF-8 bytes, no spaces),
/// with integers written without a fraction and every ``JSONValue/double(_:)`` with a fraction or
/// an exponent, so `.int(1)` and `.double(1)` round-trip as different values and equal values
/// have equal text.
package enum JSONColumnText {
    package static func encode(_ value: JSONValue, column: String) throws(StorageError) -> String {
        var output = ""
        try write(value, into: &output, column: column)
        return output
    }

    private static func write(_ value: JSONValue, into output: inout String, column: String) throws(StorageError) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number):
            guard number.isFinite else {
                throw StorageError(
                    code: .invalidValue,
                    message: "column \(column): a JSON number must be finite"
                )
            }
            output += "\(number)"  // Swift's shortest round-trip form always has "." or "e".
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                try write(element, into: &output, column: column)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                writeString(key, into: &output)
                output += ":"
                try write(members[key]!, into: &output, column: column)
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    package static func decode(_ text: String, column: String) throws(StorageError) -> JSONValue {
        var parser = Parser(bytes: Array(text.utf8))
        guard let value = parser.parseDocument() else {
            throw StorageError(code: .invalidValue, message: "column \(column) holds text that is not JSON")
        }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func parseDocument() -> JSONValue? {
            guard let value = parseValue() else { return nil }
            skipSpace()
            return position == bytes.count ? value : nil
        }

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func consume(_ literal: String) -> Bool {
            let literalBytes = Array(literal.utf8)
            guard bytes.count - position >= literalBytes.count,
                Array(bytes[position..<position + literalBytes.count]) == literalBytes
            else { return false }
            position += literalBytes.count
            return true
        }

        mutating func parseValue() -> JSONValue? {
            skipSpace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "n"): return consume("null") ? .null : nil
            case UInt8(ascii: "t"): return consume("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return consume("false") ? .bool(false) : nil
            case UInt8(ascii: "\""): return parseString().map(JSONValue.string)
            case UInt8(ascii: "["):
                position += 1
                var elements: [JSONValue] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                while true {
                    guard let element = parseValue() else { return nil }
                    elements.append(element)
                    skipSpace()
                    guard position < bytes.count else { return nil }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "]") {
                        position += 1
                        return .array(elements)
                    } else {
                        return nil
                    }
                }
            case UInt8(ascii: "{"):
                position += 1
                var members: [String: JSONValue] = [:]
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\""),
                        let key = parseString()
                    else { return nil }
                    skipSpace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
                    position += 1
                    guard let value = parseValue() else { return nil }
                    members[key] = value
                    skipSpace()
                    guard position < bytes.count else { return nil }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if bytes[position] == UInt8(ascii: "}") {
                        position += 1
                        return .object(members)
                    } else {
                        return nil
                    }
                }
            default: return parseNumber()
            }
        }

        mutating func parseNumber() -> JSONValue? {
            let start = position
            var isInteger = true
            while position < bytes.count {
                let byte = bytes[position]
                if (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+")
                {
                    position += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isInteger = false
                    position += 1
                } else {
                    break
                }
            }
            guard position > start else { return nil }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if isInteger, let number = Int64(text) { return .int(number) }
            guard let number = Double(text), number.isFinite else { return nil }
            return .double(number)
        }

        mutating func parseHex4() -> UInt32? {
            guard bytes.count - position >= 4,
                let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
            else { return nil }
            position += 4
            return value
        }

        mutating func parseString() -> String? {
            position += 1  // opening quote
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush(_ run: inout [UInt8], _ scalars: inout String.UnicodeScalarView) {
                if !run.isEmpty {
                    scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                    run.removeAll()
                }
            }
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") {
                    flush(&run, &scalars)
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else {
                    run.append(byte)
                    continue
                }
                flush(&run, &scalars)
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard var code = parseHex4() else { return nil }
                    if code >= 0xD800, code < 0xDC00, consume("\\u"), let low = parseHex4(), low >= 0xDC00,
                        low < 0xE000
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: return nil
                }
            }
            return nil
        }
    }
}
