/// The JSON text a `JSON` column holds: canonical (object keys sorted by UTF-8 bytes, no spaces),
/// with integers written without a fraction and every ``JSONValue/double(_:)`` with a fraction or
/// an exponent, so `.int(1)` and `.double(1)` round-trip as different values and equal values
/// have equal text.
package enum JSONColumnText {
    package static func encode(_ value: JSONValue, column: String) throws(StorageError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try write(value, into: &output, column: column)
        return String(decoding: output, as: UTF8.self)
    }

    private static func append(_ text: String, to output: inout [UInt8]) {
        output.append(contentsOf: text.utf8)
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8], column: String) throws(StorageError) {
        switch value {
        case .null: append("null", to: &output)
        case .bool(let flag): append(flag ? "true" : "false", to: &output)
        case .int(let number): append(String(number), to: &output)
        case .double(let number):
            guard number.isFinite else {
                throw StorageError(
                    code: .invalidValue,
                    message: "column \(column): a JSON number must be finite"
                )
            }
            append("\(number)", to: &output)  // Swift's shortest round-trip form always has "." or "e".
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try write(element, into: &output, column: column)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                try write(members[key]!, into: &output, column: column)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a JSON string: `"` and `\` escaped, `\n`, `\r`, `\t`, other controls as `\u00xx`
    /// (lowercase hex); every other byte of the UTF-8 encoding copied as is.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                output.append(contentsOf: bytes[runStart..<index])
                runStart = index + 1
                switch byte {
                case 0x22: output.append(contentsOf: [0x5C, 0x22])
                case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    output.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0x0F)])
                }
            }
            output.append(contentsOf: bytes[runStart..<bytes.count])
        }
        output.append(UInt8(ascii: "\""))
    }

    package static func decode(_ text: String, column: String) throws(StorageError) -> JSONValue {
        try decode(bytes: Array(text.utf8), column: column)
    }

    /// Parses UTF-8 JSON bytes (one document, optionally surrounded by whitespace).
    package static func decode(bytes: [UInt8], column: String) throws(StorageError) -> JSONValue {
        var parser = Parser(bytes: bytes)
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
            // Not `? value : nil`: JSONValue is ExpressibleByNilLiteral, so that `nil` would be `.null`.
            guard position == bytes.count else { return JSONValue?.none }
            return value
        }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func consume(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - position >= count else { return false }
            let matches = literal.withUTF8Buffer { expected in
                for offset in 0..<count where bytes[position + offset] != expected[offset] { return false }
                return true
            }
            if matches { position += count }
            return matches
        }

        mutating func parseValue() -> JSONValue? {
            skipSpace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "n"): return consume("null") ? JSONValue.null : JSONValue?.none
            case UInt8(ascii: "t"): return consume("true") ? JSONValue.bool(true) : JSONValue?.none
            case UInt8(ascii: "f"): return consume("false") ? JSONValue.bool(false) : JSONValue?.none
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
            if isInteger, let number = Self.integer(bytes[start..<position]) { return .int(number) }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if isInteger, let number = Int64(text) { return .int(number) }
            guard let number = Double(text), number.isFinite else { return nil }
            return .double(number)
        }

        /// A plain decimal integer (optional `-`, 1–18 digits, no leading zero unless alone) without building a
        /// string; `nil` for anything else, which the general path then reads or rejects.
        static func integer(_ digits: ArraySlice<UInt8>) -> Int64? {
            var index = digits.startIndex
            let negative = digits[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let count = digits.endIndex - index
            guard count > 0, count <= 18 else { return nil }
            if count > 1, digits[index] == UInt8(ascii: "0") { return nil }
            var value: Int64 = 0
            while index < digits.endIndex {
                let digit = digits[index] &- UInt8(ascii: "0")
                guard digit <= 9 else { return nil }
                value = value * 10 + Int64(digit)
                index += 1
            }
            return negative ? -value : value
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
            // Fast path: no escape before the closing quote, so the string is a slice of the input.
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return String(decoding: bytes[start..<position - 1], as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                position += 1
            }
            var buffer = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") {
                    return String(decoding: buffer, as: UTF8.self)
                }
                guard byte == UInt8(ascii: "\\") else {
                    buffer.append(byte)
                    continue
                }
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = parseHex4() else { return nil }
                    if code >= 0xD800, code < 0xDC00, consume("\\u"), let low = parseHex4(), low >= 0xDC00,
                        low < 0xE000
                    {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    buffer.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
                default: return nil
                }
            }
            return nil
        }
    }
}
