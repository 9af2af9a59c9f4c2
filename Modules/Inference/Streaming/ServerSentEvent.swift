/// One event of a `text/event-stream` body, as the HTML standard's event-stream parser dispatches it.
public struct ServerSentEvent: Hashable, Sendable {
    /// The event type from an `event:` field; `nil` when the event had none (the default type, `message`).
    public var event: String?

    /// The `data:` lines of the event joined with `"\n"`, as UTF-8 bytes.
    public var dataBytes: [UInt8]

    /// The last event id from an `id:` field seen so far in the stream; `nil` before any.
    public var id: String?

    /// The reconnection time in milliseconds from the event's `retry:` field, when it had a valid one.
    public var retry: Int?

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - event: The event type, or `nil` for the default.
    ///   - data: The data, its lines joined with `"\n"`.
    ///   - id: The last event id.
    ///   - retry: The reconnection time in milliseconds.
    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.dataBytes = Array(data.utf8)
        self.id = id
        self.retry = retry
    }

    init(event: String?, dataBytes: [UInt8], id: String?, retry: Int?) {
        self.event = event
        self.dataBytes = dataBytes
        self.id = id
        self.retry = retry
    }

    /// The data as text (invalid UTF-8 replaced with U+FFFD).
    public var data: String {
        String(decoding: dataBytes, as: UTF8.self)
    }
}
