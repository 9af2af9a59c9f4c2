import Inference
import Testing

@Suite("Server-sent event parser")
struct ServerSentEventParserTests {
    static let stream = "\u{FEFF}: a comment\r\nevent: update\r\ndata: first line\r\ndata:second line\r\nid: 7\r\nretry: 1500\r\n\r\n"
        + "data\n\n"  // a field with no colon: empty data, dispatched as ""
        + "event: ignored-without-data\n\n"
        + "data: {\"a\": \"é\"}\rdata:  two spaces\r\r"
        + "unknown: field\ndata: [DONE]\n\n"
        + "data: incomplete"

    static let expected: [ServerSentEvent] = [
        ServerSentEvent(event: "update", data: "first line\nsecond line", id: "7", retry: 1500),
        ServerSentEvent(data: "", id: "7"),
        ServerSentEvent(data: "{\"a\": \"é\"}\n two spaces", id: "7"),
        ServerSentEvent(data: "[DONE]", id: "7"),
    ]

    @Test("the standard's rules: BOM, comments, CRLF/CR/LF, joined data lines, one space stripped, id kept, retry read")
    func wholeStream() {
        var parser = ServerSentEventParser()
        let events = parser.parse(Array(Self.stream.utf8))
        #expect(events == Self.expected)
        #expect(parser.hasIncompleteEvent)
        let dropped = parser.finish()
        #expect(dropped)
    }

    @Test("splitting the bytes anywhere gives the same events", arguments: [1, 2, 3, 5, 7, 64])
    func anySplit(pieceSize: Int) {
        let bytes = Array(Self.stream.utf8)
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for start in stride(from: 0, to: bytes.count, by: pieceSize) {
            events += parser.parse(bytes[start..<min(start + pieceSize, bytes.count)])
        }
        #expect(events == Self.expected)
        let dropped = parser.finish()
        #expect(dropped)
    }

    @Test("a CR at the end of one piece and an LF at the start of the next are one line ending")
    func splitCRLF() {
        var parser = ServerSentEventParser()
        var events = parser.parse(Array("data: a\r".utf8))
        events += parser.parse(Array("\n\r".utf8))
        events += parser.parse(Array("\ndata: b\n\n".utf8))
        #expect(events.map(\.data) == ["a", "b"])
        let dropped = parser.finish()
        #expect(!dropped)
    }

    @Test("a BOM split over pieces is skipped; held-back bytes that are not one stay part of the line")
    func splitBOM() {
        var parser = ServerSentEventParser()
        var events = parser.parse([0xEF])
        events += parser.parse([0xBB])
        events += parser.parse([0xBF] + Array("data: x\n\n".utf8))
        #expect(events.map(\.data) == ["x"])

        // "\u{EF}" is not a BOM: its bytes start the first line, whose field name is then unknown.
        var other = ServerSentEventParser()
        var otherEvents = other.parse([0xEF])
        otherEvents += other.parse(Array("data: y\n\ndata: z\n\n".utf8))
        #expect(otherEvents.map(\.data) == ["z"])
    }

    @Test("retry must be all digits, and an id with NUL is ignored")
    func fieldValidation() {
        var parser = ServerSentEventParser()
        let events = parser.parse(Array("id: 1\nretry: 10x\ndata: a\n\nid: bad\u{0}id\nretry: 20\ndata: b\n\n".utf8))
        #expect(events == [ServerSentEvent(data: "a", id: "1", retry: nil), ServerSentEvent(data: "b", id: "1", retry: 20)])
    }
}
