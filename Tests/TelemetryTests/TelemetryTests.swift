import CoreMetrics
import InMemoryTracing
import MetricsTestKit
import Telemetry
import Tracing
import Testing

struct Failure: Error {}

@Suite("Telemetry helpers")
struct TelemetryTests {
    @Test("an operation gets one span named Component.operation with its attributes, a duration and, on failure, an error")
    func operationSpans() async throws {
        let tracer = InMemoryTracer()
        let metrics = TestMetrics()
        let instrumentation = OperationTracer(component: "Report", operations: ["build"], tracer: tracer, metricsFactory: metrics)
        let value = try await instrumentation.run("build", attributes: { $0[TelemetryAttributes.count] = 3 }) { span in
            span.attributes[TelemetryAttributes.bytes] = 120
            return 42
        }
        #expect(value == 42)
        await #expect(throws: Failure.self) {
            try await instrumentation.run("build") { _ in throw Failure() }
        }
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["Report.build", "Report.build"])
        #expect(spans[0].attributes[TelemetryAttributes.count]?.toSpanAttribute() == 3)
        #expect(spans[0].attributes[TelemetryAttributes.bytes]?.toSpanAttribute() == 120)
        #expect(spans[0].status == nil)
        #expect(spans[1].status?.code == .error)
        #expect(spans[1].errors.count == 1)
        let timer = try metrics.expectTimer(TelemetryMetrics.operationDuration, [("component", "Report"), ("operation", "build")])
        #expect(timer.values.count == 2)
        let errors = try metrics.expectCounter(TelemetryMetrics.operationErrors, [("component", "Report"), ("operation", "build")])
        #expect(errors.totalValue == 1)
    }

    @Test("100 concurrent traced calls each keep their children under their own root")
    func concurrentTraces() async throws {
        let tracer = InMemoryTracer()
        let outer = OperationTracer(component: "Request", operations: ["handle"], tracer: tracer)
        let inner = OperationTracer(component: "Store", operations: ["get", "set"], tracer: tracer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for request in 0..<100 {
                group.addTask {
                    try await outer.run("handle", attributes: { $0["request"] = request }) { _ in
                        try await inner.run("get") { _ in await Task.yield() }
                        try await inner.run("set") { _ in await Task.yield() }
                    }
                }
            }
            try await group.waitForAll()
        }
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.operationName == "Request.handle" }
        #expect(roots.count == 100)
        #expect(Set(roots.map(\.traceID)).count == 100)
        for root in roots {
            let children = spans.filter { $0.traceID == root.traceID && $0.spanID != root.spanID }
            #expect(children.map(\.operationName).sorted() == ["Store.get", "Store.set"])
            #expect(children.allSatisfy { $0.parentSpanID == root.spanID })
        }
    }

    @Test("a traced stream records its chunk count when it ends, fails or is abandoned")
    func tracedStreams() async throws {
        let tracer = InMemoryTracer()
        let numbers = AsyncStream<Int> { continuation in
            for number in 0..<5 { continuation.yield(number) }
            continuation.finish()
        }
        var total = 0
        for try await number in numbers.traced("Model.stream", tracer: tracer, attributes: [TelemetryAttributes.model: "m"]) { total += number }
        #expect(total == 10)

        let endless = AsyncStream<Int> { continuation in
            for number in 0..<100 { continuation.yield(number) }
        }
        var taken = 0
        for try await _ in endless.traced("Model.stream", tracer: tracer) {
            taken += 1
            if taken == 3 { break }
        }

        let failing = AsyncThrowingStream<Int, any Error> { continuation in
            continuation.yield(1)
            continuation.finish(throwing: Failure())
        }
        await #expect(throws: Failure.self) {
            for try await _ in failing.traced("Model.stream", tracer: tracer) {}
        }

        let spans = tracer.finishedSpans
        #expect(spans.count == 3)
        #expect(spans[0].attributes[TelemetryAttributes.chunkCount]?.toSpanAttribute() == 5)
        #expect(spans[0].attributes[TelemetryAttributes.model]?.toSpanAttribute() == "m")
        #expect(spans[0].attributes[TelemetryAttributes.streamAbandoned] == nil)
        #expect(spans[1].attributes[TelemetryAttributes.chunkCount]?.toSpanAttribute() == 3)
        #expect(spans[1].attributes[TelemetryAttributes.streamAbandoned]?.toSpanAttribute() == true)
        #expect(spans[2].attributes[TelemetryAttributes.chunkCount]?.toSpanAttribute() == 1)
        #expect(spans[2].status?.code == .error)
    }
}
