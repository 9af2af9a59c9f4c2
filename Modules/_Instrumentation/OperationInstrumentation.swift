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
/// Both default to the process-wide bootstrapped backends as they are when the instrumentation is created
/// (bootstrap before creating stores and clients), which are no-ops until an application bootstraps one; with
/// both no-ops a call costs nothing extra. Tests pass an in-memory tracer and a test metrics factory instead.
package struct OperationInstrumentation: Sendable {
    package let component: String
    package let tracer: any Tracer
    private let metrics: [String: Handles]
    private let factory: any MetricsFactory
    /// Whether spans are recorded (the tracer is not the no-op one) and durations measured (the factory is not
    /// the no-op one). When neither, a call runs its body directly: nothing to pay before an application
    /// bootstraps a backend.
    private let isTracing: Bool
    private let isMeasuring: Bool
    private let idleSpan: any Span

    /// Whether calls record nothing at all (no-op tracer and no-op metrics): wrappers on hot paths check this
    /// and call straight through.
    package var isIdle: Bool { !isTracing && !isMeasuring }

    private struct Handles: Sendable {
        let spanName: String
        let timer: CoreMetrics.Timer
        let errors: Counter
    }

    /// Creates the instrumentation of `component`, with metric handles for `operations` made once.
    package init(
        component: String,
        operations: [String],
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.component = component
        let tracer = tracer ?? InstrumentationSystem.tracer
        self.tracer = tracer
        let factory = metricsFactory ?? MetricsSystem.factory
        self.factory = factory
        self.isTracing = !(tracer is NoOpTracer)
        self.isMeasuring = !(factory is NOOPMetricsHandler)
        self.idleSpan = NoOpTracer.NoOpSpan(context: .topLevel)
        var metrics: [String: Handles] = [:]
        for operation in operations {
            metrics[operation] = Self.handles(component: component, operation: operation, factory: factory)
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
        guard isTracing || isMeasuring else { return try await body(idleSpan) }
        let handles = metrics[operation] ?? Self.handles(component: component, operation: operation, factory: factory)
        let start = ContinuousClock.now
        guard isTracing else {
            do {
                let result = try await body(idleSpan)
                handles.timer.record(duration: ContinuousClock.now - start)
                return result
            } catch {
                handles.timer.record(duration: ContinuousClock.now - start)
                handles.errors.increment()
                throw error
            }
        }
        let span = tracer.startAnySpan(handles.spanName, context: .current ?? .topLevel, ofKind: kind)
        span.updateAttributes(attributes)
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

    private static func handles(component: String, operation: String, factory: any MetricsFactory) -> Handles {
        let dimensions = [("component", component), ("operation", operation)]
        return Handles(
            spanName: "\(component).\(operation)",
            timer: CoreMetrics.Timer(label: "stackkit_operation_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory),
            errors: Counter(label: "stackkit_operation_errors_total", dimensions: dimensions, factory: factory)
        )
    }
}
