/// One value of the Redis serialization protocol (RESP2): a reply from the server, or an element of one.
///
/// Commands are sent as arrays of bulk strings (see ``RESPEncoder``); replies are any of these cases (see
/// ``RESPDecoder``). An `.error` is a normal reply, not a thrown error: in a pipeline each command gets its own
/// reply, and the caller decides what an error reply means.
package enum RESPValue: Sendable, Hashable {
    /// A simple string (`+OK`), decoded as UTF-8.
    case simpleString(String)

    /// An error reply (`-ERR …`), the text after the `-`, decoded as UTF-8.
    case error(String)

    /// An integer (`:42`).
    case integer(Int64)

    /// A bulk string (`$3\r\nabc`), or `nil` for the null bulk string (`$-1`).
    case bulkString([UInt8]?)

    /// An array (`*2\r\n…`), or `nil` for the null array (`*-1`).
    case array([RESPValue]?)
}

extension RESPValue {
    /// A bulk string holding a string's UTF-8 bytes.
    ///
    /// - Parameter string: The text.
    /// - Returns: `.bulkString` with the string's UTF-8 bytes.
    package static func bulkString(_ string: String) -> RESPValue {
        .bulkString(Array(string.utf8))
    }

    /// The bytes of a bulk string, or of a simple string's UTF-8 text; `nil` for every other case and for null.
    package var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The value as text: a simple string, or a bulk string that is valid UTF-8; `nil` otherwise.
    package var string: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes?): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The value as an integer: an integer reply, or a bulk or simple string holding a decimal integer.
    package var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulkString, .simpleString: return self.string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The elements of an array; `nil` for the null array and every other case.
    package var array: [RESPValue]? {
        if case .array(let elements?) = self { return elements }
        return nil
    }

    /// The message of an error reply; `nil` for every other case.
    package var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}
