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
        buffer.writeInteger(UInt8(ascii: "*"))
        buffer.writeString(String(command.count))
        buffer.writeStaticString("\r\n")
        for argument in command {
            buffer.writeInteger(UInt8(ascii: "$"))
            buffer.writeString(String(argument.count))
            buffer.writeStaticString("\r\n")
            buffer.writeBytes(argument)
            buffer.writeStaticString("\r\n")
        }
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
