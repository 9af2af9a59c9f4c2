import CoreMetrics
import ServiceLifecycle
import Telemetry
import TelemetryOTLP
import Testing
import Tracing

@Suite("OTLP export", .timeLimit(.minutes(1)))
struct OTLPExportTests {
    @Test("spans and metrics of traced operations reach an OTLP/HTTP receiver with the service name")
    func exportsToAReceiver() async throws {
        let receiver = try await OTLPReceiver()
        let configuration = OTLPExportConfiguration(
            serviceName: "stackkit-otlp-test",
            collectorURL: receiver.url,
            spanBatchDelay: .milliseconds(50),
            metricsExportInterval: .milliseconds(100)
        )
        let (tracer, tracingService) = try OTLPTelemetry.makeTracer(configuration)
        let (metrics, metricsService) = try OTLPTelemetry.makeMetricsFactory(configuration)
        let exporters = Task {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await tracingService.run() }
                group.addTask { try await metricsService.run() }
            }
        }
        let instrumentation = OperationTracer(component: "Report", operations: ["build"], tracer: tracer, metricsFactory: metrics)
        _ = try await instrumentation.run("build", attributes: { $0[TelemetryAttributes.count] = 3 }) { _ in 42 }
        tracer.forceFlush()

        var sawSpan = false
        var sawMetric = false
        for await request in receiver.requests {
            if request.path == "/v1/traces", request.contains("Report.build") {
                #expect(request.contains("stackkit-otlp-test"))
                #expect(request.contentType == "application/x-protobuf")
                sawSpan = true
            }
            if request.path == "/v1/metrics", request.contains("stackkit_operation_duration_seconds") {
                sawMetric = true
            }
            if sawSpan && sawMetric { break }
        }
        #expect(sawSpan && sawMetric)
        exporters.cancel()
        _ = await exporters.result
        try await receiver.shutdown()
    }

    @Test("invalid settings are refused naming the setting")
    func configurationErrors() {
        for (configuration, field) in [
            (OTLPExportConfiguration(serviceName: "", collectorURL: "http://127.0.0.1:4318"), "serviceName"),
            (OTLPExportConfiguration(serviceName: "s", collectorURL: "127.0.0.1:4318"), "collectorURL"),
            (OTLPExportConfiguration(serviceName: "s", collectorURL: "http://h", metricsExportInterval: .zero), "metricsExportInterval"),
            (OTLPExportConfiguration(serviceName: "s", collectorURL: "http://h", headers: [("x-token", "a\nb")]), "headers"),
        ] {
            let error = #expect(throws: OTLPConfigurationError.self) { _ = try configuration.otelConfiguration() }
            #expect(error?.field == field)
        }
    }
}
