package import CoreMetrics
import Metrics
package import Tracing

/// Traces and measures the public operations of one component, following StackKit's conventions (written
/// down for applications in the `Telemetry` module):
///
/// - one span per call named `Component.operation`, with the attributes the caller sets (never secrets or
///   payloads: sizes and counts instead); a failure is recorded on the span and sets its status to error;
/// - a `stackkit_operation_duration_seconds` timer and, on failure, a `stackkit_operation_errors_total`
///   counter, both with `component` and `operation` dimensions.
///
/// Both default to the process-wide bootstrapped backends, which are no-ops until an application bootstraps
/// one; tests pass an in-memory tracer and a test metrics factory instead.
package struct OperationInstrumentation: Sendable {
    package let component: String
    package let tracer: any Tracer
    private let metrics: [String: (timer: CoreMetrics.Timer, errors: Counter)]
    private let factory: any MetricsFactory

    /// Creates the instrumentation of `component`, with metric handles for `operations` made once.
    package init(
        component: String,
        operations: [String],
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.component = component
        self.tracer = tracer ?? InstrumentationSystem.tracer
        let factory = metricsFactory ?? MetricsSystem.factory
        self.factory = factory
        var metrics: [String: (timer: CoreMetrics.Timer, errors: Counter)] = [:]
        for operation in operations {
            let dimensions = [("component", component), ("operation", operation)]
            metrics[operation] = (
                CoreMetrics.Timer(label: "stackkit_operation_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory),
                Counter(label: "stackkit_operation_errors_total", dimensions: dimensions, factory: factory)
            )
        }
        self.metrics = metrics
    }

    /// Runs `body` inside a span `Component.operation`, timing it and counting its failure.
    ///
    /// - Parameters:
    ///   - operation: The operation's name, one of those given at creation (others get handles made per call).
    ///   - attributes: Sets the span's attributes before `body` runs.
    ///   - body: The operation; receives the span to add attributes known only later (result sizes).
    package func run<Result>(
        _ operation: String,
        attributes: (inout SpanAttributes) -> Void = { _ in },
        kind: SpanKind = .internal,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any Span) async throws -> Result
    ) async throws -> Result {
        let handles = metrics[operation] ?? makeHandles(operation)
        let span = tracer.startAnySpan("\(component).\(operation)", context: .current ?? .topLevel, ofKind: kind)
        span.updateAttributes(attributes)
        let start = ContinuousClock.now
        defer { span.end() }
        do {
            let result = try await InstrumentationContext.$current.withValue(span.context) {
                try await body(span)
            }
            handles.timer.record(duration: ContinuousClock.now - start)
            return result
        } catch {
            handles.timer.record(duration: ContinuousClock.now - start)
            handles.errors.increment()
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: String(describing: type(of: error))))
            throw error
        }
    }

    private func makeHandles(_ operation: String) -> (timer: CoreMetrics.Timer, errors: Counter) {
        let dimensions = [("component", component), ("operation", operation)]
        return (
            CoreMetrics.Timer(label: "stackkit_operation_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory),
            Counter(label: "stackkit_operation_errors_total", dimensions: dimensions, factory: factory)
        )
    }
}
