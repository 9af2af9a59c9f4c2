public import Tracing
internal import _Instrumentation

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
        AsyncIterator(base: base.makeAsyncIterator(), state: StreamSpan(operationName: operationName, tracer: tracer, attributes: attributes))
    }

    /// Forwards elements and keeps the span's count.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let state: StreamSpan

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
