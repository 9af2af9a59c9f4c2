import KVStoreRedis
import StorageRefs
import Testing

/// Replies of every RESP2 type decode, whatever byte boundaries they arrive split at; malformed input throws.
struct RESPDecoderTests {
    /// Replies and their wire form, covering every type, nulls, nesting and binary content.
    static let samples: [(wire: String, value: RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("+\r\n", .simpleString("")),
        ("-ERR unknown command 'FOO'\r\n", .error("ERR unknown command 'FOO'")),
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(.max)),
        (":-9223372036854775808\r\n", .integer(.min)),
        ("$5\r\nhello\r\n", .bulkString(Array("hello".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$4\r\na\r\nb\r\n", .bulkString(Array("a\r\nb".utf8))),
        ("$-1\r\n", .bulkString(nil)),
        ("*0\r\n", .array([])),
        ("*-1\r\n", .array(nil)),
        (
            "*3\r\n$3\r\nfoo\r\n:7\r\n$-1\r\n",
            .array([.bulkString(Array("foo".utf8)), .integer(7), .bulkString(nil)])
        ),
        (
            "*2\r\n*2\r\n+a\r\n*1\r\n-E\r\n*-1\r\n",
            .array([.array([.simpleString("a"), .array([.error("E")])]), .array(nil)])
        ),
    ]

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: 0..<samples.count)
    func decodesEachType(_ index: Int) throws {
        let sample = Self.samples[index]
        var decoder = RESPDecoder()
        let decoded = try decoder.decode(bytes: bytes(sample.wire))
        #expect(decoded.values == [sample.value])
        #expect(decoded.unconsumed.isEmpty)
    }

    @Test(arguments: 0..<samples.count)
    func decodesWhenSplitAtEveryByteBoundary(_ index: Int) throws {
        let sample = Self.samples[index]
        let wire = bytes(sample.wire)
        for split in 1..<wire.count {
            var decoder = RESPDecoder()
            let first = try decoder.decode(bytes: Array(wire[..<split]))
            #expect(first.values.isEmpty, "split at \(split): nothing is complete yet")
            #expect(first.unconsumed == Array(wire[..<split]), "split at \(split): an incomplete reply is kept")
            let second = try decoder.decode(bytes: first.unconsumed + wire[split...])
            #expect(second.values == [sample.value], "split at \(split)")
            #expect(second.unconsumed.isEmpty)
        }
    }

    @Test func decodesAReplyFedOneByteAtATime() throws {
        let wire = Self.samples.flatMap { bytes($0.wire) }
        var decoder = RESPDecoder()
        var pending: [UInt8] = []
        var values: [RESPValue] = []
        for byte in wire {
            let decoded = try decoder.decode(bytes: pending + [byte])
            values += decoded.values
            pending = decoded.unconsumed
        }
        #expect(values == Self.samples.map(\.value))
        #expect(pending.isEmpty)
    }

    @Test func decodesSeveralRepliesInOneReadAndKeepsTheIncompleteTail() throws {
        var decoder = RESPDecoder()
        let decoded = try decoder.decode(bytes: bytes("+OK\r\n:1\r\n$3\r\nab"))
        #expect(decoded.values == [.simpleString("OK"), .integer(1)])
        #expect(decoded.unconsumed == bytes("$3\r\nab"))
    }

    @Test func decodesALargeNestedReplyArrivingInChunksOfEverySize() throws {
        // Like a range script's reply: key, value, expiry triples, some nested, split across many reads.
        var wire = "*300\r\n"
        var elements: [RESPValue] = []
        for index in 0..<100 {
            let key = "p:\(index)"
            let value = String(repeating: "v", count: index % 16)
            wire += "$\(key.utf8.count)\r\n\(key)\r\n$\(value.utf8.count)\r\n\(value)\r\n"
            if index % 10 == 0 {
                wire += "*2\r\n:-1\r\n*0\r\n"
                elements += [.bulkString(key), .bulkString(value), .array([.integer(-1), .array([])])]
            } else {
                wire += ":\(index)\r\n"
                elements += [.bulkString(key), .bulkString(value), .integer(Int64(index))]
            }
        }
        let expected: [RESPValue] = [.array(elements), .simpleString("OK")]
        let bytes = bytes(wire + "+OK\r\n")
        for chunk in [1, 2, 3, 7, 64, 1_000, bytes.count] {
            var decoder = RESPDecoder()
            var pending: [UInt8] = []
            var values: [RESPValue] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                let decoded = try decoder.decode(bytes: pending + bytes[start..<end])
                values += decoded.values
                pending = decoded.unconsumed
                start = end
            }
            #expect(values == expected, "chunks of \(chunk) bytes")
            #expect(pending.isEmpty)
        }
    }

    @Test func decodesBinaryBulkStrings() throws {
        let payload: [UInt8] = (0...255).map { UInt8($0) }
        var decoder = RESPDecoder()
        let decoded = try decoder.decode(bytes: bytes("$256\r\n") + payload + bytes("\r\n"))
        #expect(decoded.values == [.bulkString(payload)])
    }

    @Test func decodesDeeplyNestedArraysUpToTheLimit() throws {
        let depth = RESPDecoder.maximumDepth
        let wire = String(repeating: "*1\r\n", count: depth) + ":1\r\n"
        var expected = RESPValue.integer(1)
        for _ in 0..<depth { expected = .array([expected]) }
        var decoder = RESPDecoder()
        #expect(try decoder.decode(bytes: bytes(wire)).values == [expected])
    }

    /// Malformed input, each with the reason it is rejected.
    static let malformed: [(wire: String, reason: String)] = [
        ("?OK\r\n", "unknown type byte"),
        ("%1\r\n", "a RESP3 type"),
        ("$-2\r\n", "negative bulk length other than -1"),
        ("$99999999999\r\n", "bulk length above 512 MiB"),
        ("$99999999999999999999\r\n", "bulk length overflowing 64 bits"),
        ("*-5\r\n", "negative array count other than -1"),
        ("*99999999999\r\n", "array count above Int32.max"),
        ("*99999999999999999999999\r\n", "array count overflowing 64 bits"),
        ("$abc\r\n", "non-numeric length"),
        ("$\r\n", "empty length"),
        ("$+3\r\nabc\r\n", "a + sign in a length"),
        (": 1\r\n", "a space in an integer"),
        (":1.5\r\n", "a fraction"),
        ("$3\r\nabcXY", "bulk string not followed by CRLF"),
        ("+OK\rX", "CR not followed by LF"),
        ("+OK\n", "LF without CR"),
        ("*2\r\n:1\r\n!x\r\n", "a bad element inside an array"),
    ]

    @Test(arguments: 0..<malformed.count)
    func rejectsMalformedInput(_ index: Int) {
        let sample = Self.malformed[index]
        var decoder = RESPDecoder()
        do {
            let decoded = try decoder.decode(bytes: bytes(sample.wire))
            Issue.record("\(sample.reason): decoded \(decoded.values) instead of throwing")
        } catch let error as StorageError {
            #expect(error.code == .backendFailure, "\(sample.reason)")
            #expect(error.message.contains("malformed RESP"), "\(sample.reason): \(error.message)")
        } catch {
            Issue.record("\(sample.reason): threw \(error), expected a StorageError")
        }
    }

    @Test func rejectsNestingDeeperThanTheLimit() {
        let wire = String(repeating: "*1\r\n", count: RESPDecoder.maximumDepth + 1) + ":1\r\n"
        var decoder = RESPDecoder()
        #expect(throws: StorageError.self) { try decoder.decode(bytes: bytes(wire)) }
    }

    @Test func rejectsALineLongerThanTheLimitBeforeItEnds() {
        let wire = "+" + String(repeating: "x", count: RESPDecoder.maximumLineLength + 1)
        var decoder = RESPDecoder()
        #expect(throws: StorageError.self) { try decoder.decode(bytes: bytes(wire)) }
    }

    @Test func aHugeAnnouncedLengthAllocatesNothingAndWaits() throws {
        // A bulk string announcing 512 MiB: the decoder waits for the bytes instead of reserving memory for them.
        var decoder = RESPDecoder()
        let header = bytes("$\(RESPDecoder.maximumBulkStringLength)\r\nabc")
        let decoded = try decoder.decode(bytes: header)
        #expect(decoded.values.isEmpty)
        #expect(decoded.unconsumed == header)
        // A hostile array count likewise waits for its elements.
        var arrays = RESPDecoder()
        let announced = bytes("*2147483647\r\n:1\r\n")
        #expect(try arrays.decode(bytes: announced).values.isEmpty)
    }
}
