import InMemoryTracing
import Inference
import OpenAITypes
import StorageRefs
import Testing
import Tracing
import _TestBackends

@Suite("Inference store tracing")
struct InferenceStoreTracingTests {
    /// A prepared store over a fresh SQLite backend, traced by `tracer`.
    static func tracedStore(_ tracer: InMemoryTracer) async throws -> (TestTableBackend, InferenceStore) {
        let backend = try await TestTableBackend.open(.sqlite)
        let store = InferenceStore(
            tables: backend.store,
            reference: InferenceStoreReference(backend: "sql_default", tableName: "traced_completions"),
            logger: quietLogger,
            tracer: tracer
        )
        try await store.prepare()
        return (backend, store)
    }

    @Test("store, completion and list are InferenceStore spans under the caller's; an unknown cursor is an error span")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let (backend, store) = try await Self.tracedStore(tracer)
        try await tracer.withSpan("request") { _ in
            try await store.store(try completion(id: "c1", created: 1), inputMessages: [.user("hi")])
            _ = try await store.completion(id: "c1")
            _ = try await store.list(limit: 5)
        }
        await #expect(throws: InferenceStoreError.self) { _ = try await store.list(after: "missing") }
        await backend.close()
        let spans = tracer.finishedSpans
        let request = try #require(spans.first { $0.operationName == "request" })
        #expect(spans.filter { $0.parentSpanID == request.spanID }.map(\.operationName) == ["InferenceStore.store", "InferenceStore.completion", "InferenceStore.list"])
        let failed = try #require(spans.last { $0.operationName == "InferenceStore.list" })
        #expect(failed.status?.code == .error)
        #expect(failed.attributes["stackkit.table"]?.toSpanAttribute() == "traced_completions")
    }

    @Test("25 concurrent traced stores each keep their InferenceStore span under their own root")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let (backend, store) = try await Self.tracedStore(tracer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // 25, not 100: the writes serialise on one SQLite connection, and in a full test run on 2 cores 100 of them
            // outlasted the durable write deadline (15 s); concurrency of 25 still interleaves every span.
            for index in 0..<25 {
                group.addTask {
                    try await tracer.withSpan("request \(index)") { _ in
                        try await store.store(try completion(id: "c\(index)", created: Int64(index)), inputMessages: [])
                    }
                }
            }
            try await group.waitForAll()
        }
        await backend.close()
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.operationName.hasPrefix("request ") }
        #expect(roots.count == 25)
        for root in roots {
            #expect(spans.filter { $0.parentSpanID == root.spanID }.map(\.operationName) == ["InferenceStore.store"])
        }
    }
}
