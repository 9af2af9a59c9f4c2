internal import _Instrumentation
public import CoreMetrics
public import Tracing

/// Traces and measures the operations of one component of an application the way StackKit's own modules
/// do: a span `Component.operation` per call (error recorded and status set on failure), a duration timer
/// and an error counter with `component` and `operation` dimensions.
///
/// ```swift
/// let instrumentation = OperationTracer(component: "ReportBuilder", operations: ["build"])
/// let report = try await instrumentation.run("build", attributes: { $0[TelemetryAttributes.count] = rows.count }) { span in
///     try await builder.build(rows)
/// }
/// ```
public struct OperationTracer: Sendable {
    private let instrumentation: OperationInstrumentation

    /// Creates the instrumentation of `component`.
    ///
    /// - Parameters:
    ///   - component: The component's name, the first part of span names.
    ///   - operations: Operation names whose metric handles are made once, up front.
    ///   - tracer: The tracer; `nil` uses the bootstrapped one (a no-op until one is bootstrapped).
    ///   - metricsFactory: The metrics backend; `nil` uses the bootstrapped one.
    public init(component: String, operations: [String] = [], tracer: (any Tracer)? = nil, metricsFactory: (any MetricsFactory)? = nil) {
        self.instrumentation = OperationInstrumentation(component: component, operations: operations, tracer: tracer, metricsFactory: metricsFactory)
    }

    /// Runs `body` in a span `Component.operation`, timing it and counting a failure (then rethrown).
    public func run<Result>(
        _ operation: String,
        attributes: (inout SpanAttributes) -> Void = { _ in },
        isolation: isolated (any Actor)? = #isolation,
        _ body: (any Span) async throws -> Result
    ) async throws -> Result {
        try await instrumentation.run(operation, attributes: attributes, body)
    }
}
