import Foundation
public import OTel

/// Where and how a process exports its traces, metrics and logs over OTLP/HTTP (to an OpenTelemetry
/// Collector, Jaeger, Grafana Alloy, …).
///
/// ```swift
/// let configuration = OTLPExportConfiguration(serviceName: "my-stack", collectorURL: "http://127.0.0.1:4318")
/// let observability = try OTLPTelemetry.bootstrap(configuration)   // swift-log, swift-metrics, tracing
/// let group = ServiceGroup(services: [observability, server], logger: logger)
/// ```
public struct OTLPExportConfiguration: Sendable {
    /// Wire encoding of the export requests.
    public enum Encoding: String, Sendable, Hashable {
        /// `application/x-protobuf` (OTLP's default).
        case protobuf
        /// `application/json`.
        case json
    }

    /// `service.name` of every span, metric and log record.
    public var serviceName: String
    /// The collector's OTLP/HTTP root, such as `http://127.0.0.1:4318`; `/v1/traces`, `/v1/metrics` and
    /// `/v1/logs` are appended.
    public var collectorURL: String
    /// Headers sent with every export (an ingest token, say); values are never logged.
    public var headers: [(name: String, value: String)]
    /// Wire encoding. Default protobuf.
    public var encoding: Encoding
    /// Which signals are exported. Default all three.
    public var exportsTraces: Bool
    public var exportsMetrics: Bool
    public var exportsLogs: Bool
    /// How long finished spans wait before a batch is sent. Default 5 s.
    public var spanBatchDelay: Duration
    /// How often metrics are exported. Default 60 s.
    public var metricsExportInterval: Duration
    /// Extra resource attributes (`deployment.environment`, …).
    public var resourceAttributes: [String: String]

    /// Creates a configuration.
    public init(
        serviceName: String,
        collectorURL: String,
        headers: [(name: String, value: String)] = [],
        encoding: Encoding = .protobuf,
        exportsTraces: Bool = true,
        exportsMetrics: Bool = true,
        exportsLogs: Bool = true,
        spanBatchDelay: Duration = .seconds(5),
        metricsExportInterval: Duration = .seconds(60),
        resourceAttributes: [String: String] = [:]
    ) {
        self.serviceName = serviceName
        self.collectorURL = collectorURL
        self.headers = headers
        self.encoding = encoding
        self.exportsTraces = exportsTraces
        self.exportsMetrics = exportsMetrics
        self.exportsLogs = exportsLogs
        self.spanBatchDelay = spanBatchDelay
        self.metricsExportInterval = metricsExportInterval
        self.resourceAttributes = resourceAttributes
    }

    /// swift-otel's configuration for these settings, after checking them.
    ///
    /// - Throws: ``OTLPConfigurationError`` naming the setting at fault.
    public func otelConfiguration() throws(OTLPConfigurationError) -> OTel.Configuration {
        guard !serviceName.isEmpty else { throw OTLPConfigurationError(field: "serviceName", message: "must not be empty") }
        guard let url = URL(string: collectorURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw OTLPConfigurationError(field: "collectorURL", message: "expected an http or https URL, found '\(collectorURL)'")
        }
        if spanBatchDelay <= .zero { throw OTLPConfigurationError(field: "spanBatchDelay", message: "must be positive") }
        if metricsExportInterval <= .zero { throw OTLPConfigurationError(field: "metricsExportInterval", message: "must be positive") }
        for header in headers where header.name.isEmpty || header.value.contains(where: \.isNewline) {
            throw OTLPConfigurationError(field: "headers", message: "'\(header.name)' is empty or its value has a line break")
        }
        var root = collectorURL
        while root.hasSuffix("/") { root.removeLast() }

        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.resourceAttributes = resourceAttributes
        configuration.diagnosticLogLevel = .error
        func exporter(_ path: String) -> OTel.Configuration.OTLPExporterConfiguration {
            var exporter = OTel.Configuration.OTLPExporterConfiguration.default
            exporter.endpoint = root + path
            exporter.headers = headers.map { ($0.name, $0.value) }
            exporter.protocol = encoding == .json ? .httpJSON : .httpProtobuf
            return exporter
        }
        configuration.traces.enabled = exportsTraces
        configuration.traces.otlpExporter = exporter("/v1/traces")
        configuration.traces.batchSpanProcessor.scheduleDelay = spanBatchDelay
        configuration.metrics.enabled = exportsMetrics
        configuration.metrics.otlpExporter = exporter("/v1/metrics")
        configuration.metrics.exportInterval = metricsExportInterval
        configuration.logs.enabled = exportsLogs
        configuration.logs.otlpExporter = exporter("/v1/logs")
        return configuration
    }
}

/// An invalid OTLP export setting.
public struct OTLPConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The setting at fault.
    public var field: String
    /// What is wrong with it.
    public var message: String

    public var description: String { "\(field): \(message)" }
}
