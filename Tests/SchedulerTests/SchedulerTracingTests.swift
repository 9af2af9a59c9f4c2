import Foundation
import InMemoryTracing
import MetricsTestKit
import Scheduler
import StorageRefs
import Testing
import Tracing

struct HandlerFailure: Error {}

@Suite("Scheduler tracing", .timeLimit(.minutes(1)))
struct SchedulerTracingTests {
    @Test("schedule and cancel are children of the caller's span; each handler run is a root span, an error when it throws")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let metrics = TestMetrics()
        let scheduler = try JobScheduler(
            store: InMemoryJobStore(),
            configuration: testConfiguration(),
            logger: quietLogger,
            tracer: tracer,
            metricsFactory: metrics
        )
        try await scheduler.register("ok") { _ in }
        try await scheduler.register("fails", options: JobTypeOptions(retry: .none)) { _ in throw HandlerFailure() }
        try await tracer.withSpan("request") { _ in
            _ = try await scheduler.schedule(type: "ok", id: "job-ok")
            _ = try await scheduler.schedule(type: "fails", id: "job-fails")
        }
        try await whileRunning(scheduler) {
            let ok = try await scheduler.waitUntilFinished(id: "job-ok")
            let failing = try await scheduler.waitUntilFinished(id: "job-fails")
            #expect(ok.status == .completed)
            #expect(failing.status == .failed)
        }
        let spans = tracer.finishedSpans
        let request = try #require(spans.first { $0.operationName == "request" })
        let scheduled = spans.filter { $0.operationName == "JobScheduler.schedule" }
        #expect(scheduled.count == 2)
        #expect(scheduled.allSatisfy { $0.parentSpanID == request.spanID })
        let runs = spans.filter { $0.operationName == "JobScheduler.runJob" }
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.parentSpanID == nil })
        let failed = try #require(runs.first { $0.attributes["stackkit.job.id"]?.toSpanAttribute() == "job-fails" })
        #expect(failed.status?.code == .error)
        #expect(failed.attributes["stackkit.job.type"]?.toSpanAttribute() == "fails")
        #expect(failed.attributes["stackkit.job.attempt"]?.toSpanAttribute() == 1)
        let succeeded = try #require(runs.first { $0.attributes["stackkit.job.id"]?.toSpanAttribute() == "job-ok" })
        #expect(succeeded.status == nil)
        let errors = try metrics.expectCounter("stackkit_operation_errors_total", [("component", "JobScheduler"), ("operation", "runJob")])
        #expect(errors.totalValue == 1)
    }

    @Test("100 concurrent traced requests each get their schedule span under their own root")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let scheduler = try JobScheduler(store: InMemoryJobStore(), configuration: testConfiguration(), logger: quietLogger, tracer: tracer)
        try await scheduler.register("ok") { _ in }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await tracer.withSpan("request \(index)") { _ in
                        _ = try await scheduler.schedule(type: "ok", id: "job-\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let spans = tracer.finishedSpans
        for root in spans where root.operationName.hasPrefix("request ") {
            let children = spans.filter { $0.parentSpanID == root.spanID }
            #expect(children.count == 1)
            #expect(children.first?.attributes["stackkit.job.id"]?.toSpanAttribute() == "job-\(root.operationName.dropFirst(8))")
        }
    }
}
