public import Tracing

/// An async sequence traced as one span from its first element request to its end: llama-stack's
/// `trace_protocol` for streams, with the span ended also when the consumer stops early.
///
/// The span starts on the first `next()` and ends when the base ends (`stackkit.stream.chunk_count` set), fails
/// (error recorded, status error) or is abandoned — the consumer cancelled or dropped the iterator — in which case
/// `stackkit.stream.abandoned` is `true` and the count is what was delivered.
public struct TracedAsyncSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    public typealias Element = Base.Element

    let base: Base
    let operationName: String
    let tracer: any Tracer
    let attributes: SpanAttributes

    /// Starts iterating; the span starts with the first `next()`.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), state: SpanState(operationName: operationName, tracer: tracer, attributes: attributes))
    }

    /// Forwards elements and keeps the span's count.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let state: SpanState

        /// The next element of the base sequence.
        public mutating func next() async throws -> Element? {
            state.startIfNeeded()
            do {
                let element = try await InstrumentationContext.$current.withValue(state.context) { [base] in
                    var iterator = base
                    let element = try await iterator.next()
                    return (element, iterator)
                }
                base = element.1
                guard let value = element.0 else {
                    state.finish(error: nil, abandoned: false)
                    return nil
                }
                state.count += 1
                return value
            } catch {
                state.finish(error: error, abandoned: error is CancellationError)
                throw error
            }
        }
    }

    /// The span of one iteration. A class so that dropping the iterator ends the span (`deinit`).
    ///
    /// Not `Sendable`: it lives in one iterator, which one task drives at a time.
    final class SpanState {
        let operationName: String
        let tracer: any Tracer
        let attributes: SpanAttributes
        var span: (any Span)?
        var count = 0
        var finished = false

        init(operationName: String, tracer: any Tracer, attributes: SpanAttributes) {
            self.operationName = operationName
            self.tracer = tracer
            self.attributes = attributes
        }

        var context: InstrumentationContext? { span?.context }

        func startIfNeeded() {
            guard span == nil, !finished else { return }
            let span = tracer.startAnySpan(operationName, context: .current ?? .topLevel, ofKind: .internal)
            let attributes = self.attributes
            span.updateAttributes { $0.merge(attributes) }
            self.span = span
        }

        func finish(error: (any Error)?, abandoned: Bool) {
            guard !finished, let span else { return }
            finished = true
            span.attributes[TelemetryAttributes.chunkCount] = count
            if abandoned { span.attributes[TelemetryAttributes.streamAbandoned] = true }
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
}

extension AsyncSequence where Self: Sendable, Element: Sendable {
    /// This sequence traced as one span named `operationName`.
    ///
    /// - Parameters:
    ///   - operationName: The span's name, `Component.operation` by convention.
    ///   - tracer: The tracer; `nil` uses the bootstrapped one.
    ///   - attributes: Attributes set when the span starts.
    public func traced(_ operationName: String, tracer: (any Tracer)? = nil, attributes: SpanAttributes = [:]) -> TracedAsyncSequence<Self> {
        TracedAsyncSequence(base: self, operationName: operationName, tracer: tracer ?? InstrumentationSystem.tracer, attributes: attributes)
    }
}
