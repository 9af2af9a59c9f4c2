import KVStoreRedis
import Testing

/// Commands are encoded as RESP arrays of bulk strings, byte for byte.
struct RESPEncoderTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func encodesACommandAsAnArrayOfBulkStrings() {
        let bytes = RESPEncoder.bytes(of: [Array("SET".utf8), Array("key".utf8), Array("value".utf8)])
        #expect(text(bytes) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
    }

    @Test func encodesEmptyAndBinaryArgumentsVerbatim() {
        let binary: [UInt8] = [0, 13, 10, 0xFF, 0x24]
        let bytes = RESPEncoder.bytes(of: [Array("SET".utf8), [], binary])
        #expect(bytes == Array("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\n".utf8) + binary + Array("\r\n".utf8))
    }

    @Test func countsArgumentLengthsInBytesNotCharacters() {
        let bytes = RESPEncoder.bytes(of: [Array("ECHO".utf8), Array("日本😀".utf8)])
        #expect(text(bytes) == "*2\r\n$4\r\nECHO\r\n$10\r\n日本😀\r\n")
    }

    @Test func encodesACommandWithoutArguments() {
        #expect(text(RESPEncoder.bytes(of: [Array("PING".utf8)])) == "*1\r\n$4\r\nPING\r\n")
    }

    @Test func writesMultiDigitCountsAndLengthsInDecimal() {
        for length in [9, 10, 99, 100, 101, 1_000, 12_345] {
            let argument = [UInt8](repeating: UInt8(ascii: "x"), count: length)
            let command = [[UInt8]](repeating: argument, count: length < 1_000 ? length : 1)
            let expected =
                "*\(command.count)\r\n"
                + String(
                    repeating: "$\(length)\r\n" + String(repeating: "x", count: length) + "\r\n",
                    count: command.count
                )
            #expect(text(RESPEncoder.bytes(of: command)) == expected, "length \(length)")
        }
    }

    @Test func encodedCommandsDecodeBackAsArraysOfBulkStrings() throws {
        let command: [[UInt8]] = [Array("MSET".utf8), Array("a".utf8), [0, 1, 2], Array("b".utf8), []]
        var decoder = RESPDecoder()
        let decoded = try decoder.decode(bytes: RESPEncoder.bytes(of: command))
        #expect(decoded.values == [.array(command.map { .bulkString($0) })])
        #expect(decoded.unconsumed.isEmpty)
    }
}
