import InMemoryTracing
import OpenAITypes
import Responses
import SQLStore
import StorageRefs
import Testing
import Tracing
import _TestBackends

@Suite("Responses store tracing", .timeLimit(.minutes(1)))
struct ResponsesTracingTests {
    @Test("each public operation is a ResponsesStore span under the caller's, with the table; a missing response is an error span; 25 concurrent requests keep their own")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let store = ResponsesStore(
            tables: TracedTableStore(backend.store, tracer: tracer),
            reference: ResponsesStoreReference(backend: "sql_default", tableName: "traced_responses"),
            logger: quietLogger,
            tracer: tracer
        )
        try await store.prepare()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // 25, not 100: the writes serialise on one SQLite connection, and in a full test run on 2 cores 100 of them
            // outlasted the durable write deadline (15 s); concurrency of 25 still interleaves every span.
            for index in 0..<25 {
                group.addTask {
                    try await tracer.withSpan("request \(index)") { _ in
                        try await store.store(try response(id: "resp_\(index)", createdAt: Int64(index)), input: [], messages: [])
                        _ = try await store.response(id: "resp_\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        await #expect(throws: ResponsesStoreError.self) { _ = try await store.response(id: "resp_missing") }
        await backend.close()

        let spans = tracer.finishedSpans
        for root in spans where root.operationName.hasPrefix("request ") {
            let children = spans.filter { $0.parentSpanID == root.spanID }
            #expect(children.map(\.operationName).sorted() == ["ResponsesStore.response", "ResponsesStore.store"])
            // The table store's spans are children of the store's own.
            for child in children {
                let grandchildren = spans.filter { $0.parentSpanID == child.spanID }
                #expect(!grandchildren.isEmpty)
                #expect(grandchildren.allSatisfy { $0.operationName.hasSuffix("TableStore.insert") || $0.operationName.hasSuffix("TableStore.fetchOne") || $0.operationName.hasSuffix("TableStore.withTransaction") })
            }
        }
        let missing = try #require(spans.last { $0.operationName == "ResponsesStore.response" })
        #expect(missing.status?.code == .error)
        #expect(missing.attributes["stackkit.table"]?.toSpanAttribute() == "traced_responses")
    }
}
