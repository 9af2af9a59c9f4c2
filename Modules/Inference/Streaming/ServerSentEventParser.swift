/// An incremental `text/event-stream` parser: feed it the body's bytes as they arrive, in pieces of any
/// size, and it returns the events completed so far.
///
/// It follows the HTML standard's rules: lines end with CRLF, LF or CR (a CRLF split across two pieces
/// counts once); a leading byte-order mark is skipped; lines starting with `:` are comments; `field:
/// value` loses one space after the colon and a line without a colon is a field with an empty value;
/// `data` lines are joined with `"\n"`; a blank line dispatches the event, and an event with no
/// `data` line is not dispatched; unknown fields are ignored; an `id` containing NUL is ignored; `retry`
/// is read only when it is all ASCII digits. ``finish()`` drops an event that the stream ended before
/// its blank line, as the standard says; ``hasIncompleteEvent`` tells whether that happened.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// for try await buffer in response.body {
///     for event in parser.parse(buffer.readableBytesView) { … }
/// }
/// ```
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var lastEventID: String?
    private var retry: Int?
    private var lastByteWasCR = false
    private var atStreamStart = true
    private var streamStart: [UInt8] = []
    private var sawFieldInEvent = false

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Parses the next piece of the stream.
    ///
    /// - Parameter bytes: The next bytes, continuing the previous piece exactly.
    /// - Returns: The events completed by these bytes, in order; often empty.
    public mutating func parse<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            parseBuffer(buffer, into: &events)
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { parseBuffer($0, into: &events) }
        }
        return events
    }

    /// Whether bytes of an event arrived that no blank line has dispatched yet: after ``finish()``, the
    /// stream ended in the middle of an event.
    public var hasIncompleteEvent: Bool {
        !line.isEmpty || !streamStart.isEmpty || sawFieldInEvent
    }

    /// Ends the stream: a last line without its line ending is still read, but an event without its
    /// closing blank line is dropped, as the standard says.
    ///
    /// - Returns: `true` when an incomplete event was dropped.
    @discardableResult
    public mutating func finish() -> Bool {
        if !line.isEmpty {
            processLine()
            line.removeAll(keepingCapacity: true)
        }
        let dropped = sawFieldInEvent || !streamStart.isEmpty
        streamStart = []
        resetEvent()
        return dropped
    }

    private mutating func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) {
        guard atStreamStart else {
            parseLines(buffer, into: &events)
            return
        }
        // A UTF-8 byte-order mark may open the stream, and may arrive split over pieces: hold the first bytes
        // until they are known to be a mark or not.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        streamStart.append(contentsOf: buffer)
        if streamStart.count < 3, bom.starts(with: streamStart) { return }
        atStreamStart = false
        let rest = streamStart.starts(with: bom) ? Array(streamStart.dropFirst(3)) : streamStart
        streamStart = []
        rest.withUnsafeBufferPointer { parseLines($0, into: &events) }
    }

    private mutating func parseLines(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [ServerSentEvent]) {
        var start = 0
        var index = 0
        let count = buffer.count
        while index < count {
            let byte = buffer[index]
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0A, lastByteWasCR, index == start, line.isEmpty {
                    // The LF of a CRLF whose CR ended the previous piece (or the previous line).
                    lastByteWasCR = false
                    index += 1
                    start = index
                    continue
                }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index]))
                endLine(into: &events)
                if byte == 0x0D {
                    if index + 1 < count {
                        if buffer[index + 1] == 0x0A { index += 1 }
                        lastByteWasCR = false
                    } else {
                        lastByteWasCR = true
                    }
                } else {
                    lastByteWasCR = false
                }
                index += 1
                start = index
            } else {
                lastByteWasCR = false
                index += 1
            }
        }
        if start < count {
            line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<count]))
        }
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        if line.isEmpty {
            if hasData {
                events.append(ServerSentEvent(event: eventType, dataBytes: data, id: lastEventID, retry: retry))
            }
            resetEvent()
        } else {
            processLine()
            line.removeAll(keepingCapacity: true)
        }
    }

    private mutating func resetEvent() {
        data.removeAll(keepingCapacity: true)
        hasData = false
        eventType = nil
        retry = nil
        sawFieldInEvent = false
    }

    private mutating func processLine() {
        if line.first == UInt8(ascii: ":") { return }  // a comment
        sawFieldInEvent = true
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = colon.map { line[..<$0] } ?? line[...]
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: name, as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        default:
            break
        }
    }
}
