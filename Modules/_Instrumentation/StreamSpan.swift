package import Tracing

/// The span of one iteration of a stream: started by the first element request, ended when the stream ends
/// (`stackkit.stream.chunk_count`), fails (error recorded, status error) or is abandoned — the consumer
/// cancelled or dropped the iterator — with `stackkit.stream.abandoned` set.
///
/// A class so that dropping the iterator ends the span (`deinit`). Not `Sendable`: it lives in one iterator,
/// which one task drives at a time.
package final class StreamSpan {
    let operationName: String
    let tracer: any Tracer
    let attributes: SpanAttributes
    let kind: SpanKind
    private var span: (any Span)?
    private var finished = false
    /// Elements delivered so far.
    package var count = 0

    package init(operationName: String, tracer: any Tracer, attributes: SpanAttributes, kind: SpanKind = .internal) {
        self.operationName = operationName
        self.tracer = tracer
        self.attributes = attributes
        self.kind = kind
    }

    /// The span once started.
    package var startedSpan: (any Span)? { span }

    /// The span's context once started, for work done on the stream's behalf.
    package var context: InstrumentationContext? { span?.context }

    /// Starts the span if this is the first request.
    package func startIfNeeded() {
        guard span == nil, !finished else { return }
        let span = tracer.startAnySpan(operationName, context: .current ?? .topLevel, ofKind: kind)
        let attributes = self.attributes
        span.updateAttributes { $0.merge(attributes) }
        self.span = span
    }

    /// Sets an attribute on the started span.
    package func set(_ key: String, _ value: some SpanAttributeConvertible) {
        span?.attributes[key] = value.toSpanAttribute()
    }

    /// Ends the span: normally (`error` nil, not abandoned), with a failure, or abandoned.
    package func finish(error: (any Error)?, abandoned: Bool) {
        guard !finished, let span else { return }
        finished = true
        span.attributes["stackkit.stream.chunk_count"] = count
        if abandoned { span.attributes["stackkit.stream.abandoned"] = true }
        if let error, !abandoned {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: String(describing: type(of: error))))
        }
        span.end()
    }

    deinit {
        finish(error: nil, abandoned: true)
    }
}
