import Foundation
import InMemoryTracing
import KVStore
import MetricsTestKit
import StorageRefs
import Testing
import Tracing

@Suite("Traced key-value stores")
struct TracedKeyValueStoreTests {
    static func config() throws -> StorageConfig {
        try RunConfig(yaml: """
            storage:
              backends:
                kv_default: { type: kv_sqlite, db_path: ":memory:" }
              stores:
                metadata: { backend: kv_default, namespace: registry }
            """, environment: [:]).storage
    }

    @Test("the catalog's stores trace each operation with the namespace and sizes, and count failures")
    func catalogStoresAreTraced() async throws {
        let tracer = InMemoryTracer()
        let metrics = TestMetrics()
        let config = try Self.config()
        let catalog = try StorageCatalog(config: config, drivers: [SQLiteKeyValueDriver()], tracer: tracer, metricsFactory: metrics)
        let store = try await catalog.keyValueStore(for: config.stores.metadata!)
        try await store.set("model:a", value: Array(repeating: 7, count: 12), expiration: nil)
        #expect(try await store.get("model:a")?.count == 12)
        _ = try await store.entries(in: .prefix("model:"), limit: nil)
        await #expect(throws: (any Error).self) { try await store.set("", value: [1], expiration: nil) }
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["SQLiteKeyValueStore.set", "SQLiteKeyValueStore.get", "SQLiteKeyValueStore.entries", "SQLiteKeyValueStore.set"])
        #expect(spans.allSatisfy { $0.attributes["stackkit.namespace"]?.toSpanAttribute() == "registry" })
        #expect(spans[0].attributes["stackkit.bytes"]?.toSpanAttribute() == 12)
        #expect(spans[1].attributes["stackkit.bytes"]?.toSpanAttribute() == 12)
        #expect(spans[2].attributes["stackkit.count"]?.toSpanAttribute() == 1)
        #expect(spans[3].status?.code == .error)
        #expect(spans[3].errors.count == 1)
        #expect(spans.prefix(3).allSatisfy { $0.status == nil })
        // No span carries a key or a value.
        #expect(spans.allSatisfy { span in !"\(span.attributes)".contains("model:a") })
        let errors = try metrics.expectCounter("stackkit_operation_errors_total", [("component", "SQLiteKeyValueStore"), ("operation", "set")])
        #expect(errors.totalValue == 1)
        #expect(try metrics.expectTimer("stackkit_operation_duration_seconds", [("component", "SQLiteKeyValueStore"), ("operation", "get")]).values.count == 1)
        try await catalog.shutdown()
    }

    @Test("100 concurrent traced requests: each store call is a child of its own request's span")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let backend = try SQLiteKeyValueBackend(path: ":memory:")
        let store = TracedKeyValueStore(try await backend.keyValueStore(namespace: "ns"), namespace: "ns", tracer: tracer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for request in 0..<100 {
                group.addTask {
                    try await tracer.withSpan("request") { _ in
                        try await store.set("k\(request)", value: [UInt8(request)], expiration: nil)
                        _ = try await store.get("k\(request)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.operationName == "request" }
        #expect(roots.count == 100)
        for root in roots {
            let children = spans.filter { $0.parentSpanID == root.spanID }
            #expect(children.map(\.operationName).sorted() == ["SQLiteKeyValueStore.get", "SQLiteKeyValueStore.set"])
            #expect(children.allSatisfy { $0.traceID == root.traceID })
        }
        #expect(spans.count == 300)
        try await backend.shutdown()
    }
}
