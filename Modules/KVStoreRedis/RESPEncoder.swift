package import NIOCore

/// Encodes a Redis command, an array of arguments, as a RESP array of bulk strings.
///
/// `["SET", "k", "v"]` becomes `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`. Arguments are bytes and are sent
/// verbatim: binary keys and values need no escaping.
package struct RESPEncoder: MessageToByteEncoder {
    /// A command and its arguments, each as bytes.
    package typealias OutboundIn = [[UInt8]]

    /// Creates an encoder.
    package init() {}

    /// Writes `command` to `out` as a RESP array of bulk strings.
    ///
    /// - Parameters:
    ///   - data: The command name followed by its arguments.
    ///   - out: The buffer to append to.
    package func encode(data: [[UInt8]], out: inout ByteBuffer) {
        Self.write(data, to: &out)
    }

    /// Appends `command` to `buffer` as a RESP array of bulk strings.
    ///
    /// - Parameters:
    ///   - command: The command name followed by its arguments.
    ///   - buffer: The buffer to append to.
    package static func write(_ command: [[UInt8]], to buffer: inout ByteBuffer) {
        buffer.reserveCapacity(
            minimumWritableBytes: command.reduce(16) { $0 + $1.count + 16 }
        )
        Self.writeHeader(UInt8(ascii: "*"), command.count, to: &buffer)
        for argument in command {
            Self.writeHeader(UInt8(ascii: "$"), argument.count, to: &buffer)
            buffer.writeBytes(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Appends `<type><count>\r\n`, the count in decimal, without formatting a `String`.
    private static func writeHeader(_ type: UInt8, _ count: Int, to buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        if count < 10 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(count))
        } else {
            var divisor = 10
            while divisor <= count / 10 { divisor *= 10 }
            var rest = count
            while divisor > 0 {
                buffer.writeInteger(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        buffer.writeStaticString("\r\n")
    }

    /// The RESP bytes of `command`, as written to the socket.
    ///
    /// - Parameter command: The command name followed by its arguments.
    /// - Returns: The encoded command.
    package static func bytes(of command: [[UInt8]]) -> [UInt8] {
        var buffer = ByteBuffer()
        Self.write(command, to: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
