public import CoreMetrics
public import Logging
import OTel
public import ServiceLifecycle
public import Tracing

/// OTLP export through swift-otel, configured by an ``OTLPExportConfiguration``.
public enum OTLPTelemetry {
    /// Bootstraps swift-log, swift-metrics and swift-distributed-tracing for the whole process (once, at
    /// start-up, before creating stores and clients) and returns the service that exports; run it in the
    /// application's `ServiceGroup`.
    ///
    /// - Throws: ``OTLPConfigurationError``, or swift-otel's error.
    public static func bootstrap(_ configuration: OTLPExportConfiguration) throws -> some Service {
        try OTel.bootstrap(configuration: configuration.otelConfiguration())
    }

    /// A tracer exporting over OTLP without touching the process-wide tracer (pass it to stores and clients
    /// explicitly), and the service that exports its spans.
    ///
    /// - Throws: ``OTLPConfigurationError``, or swift-otel's error.
    public static func makeTracer(_ configuration: OTLPExportConfiguration) throws -> (tracer: some Tracer, service: some Service) {
        let backend = try OTel.makeTracingBackend(configuration: configuration.otelConfiguration())
        return (backend.factory, backend.service)
    }

    /// A metrics factory exporting over OTLP without touching the process-wide one, and its service.
    ///
    /// - Throws: ``OTLPConfigurationError``, or swift-otel's error.
    public static func makeMetricsFactory(_ configuration: OTLPExportConfiguration) throws -> (factory: some MetricsFactory, service: some Service) {
        let backend = try OTel.makeMetricsBackend(configuration: configuration.otelConfiguration())
        return (backend.factory, backend.service)
    }

    /// A log handler factory exporting over OTLP without touching the process-wide one, and its service.
    ///
    /// - Throws: ``OTLPConfigurationError``, or swift-otel's error.
    public static func makeLogHandlerFactory(_ configuration: OTLPExportConfiguration) throws -> (factory: @Sendable (String) -> any LogHandler, service: some Service) {
        let backend = try OTel.makeLoggingBackend(configuration: configuration.otelConfiguration())
        return (backend.factory, backend.service)
    }
}
