import InMemoryTracing
import Memory
import StorageRefs
import Testing
import Tracing
import VectorIO
import _TestBackends

@Suite("Vector store tracing")
struct VectorStoreTracingTests {
    @Test("create, attach and search are VectorStoreService spans under the caller's; a missing store is an error span")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let service = try VectorStoreService(
            tables: backend.store, embedders: [BagOfWordsEmbedder()],
            files: MemoryFileSource(files: ["file-1": MemoryFileSource.text("notes.txt", "the cat sat on the mat")]),
            tokenizer: ScalarTokenizer(), tracer: tracer
        )
        try await service.prepare()
        try await tracer.withSpan("request") { _ in
            let store = try await service.createStore(name: "docs")
            _ = try await service.attachFile(storeID: store.id, fileID: "file-1")
            _ = try await service.search(storeID: store.id, queries: ["cat"])
        }
        await #expect(throws: MemoryError.self) { _ = try await service.search(storeID: "vs_missing", queries: ["cat"]) }
        await backend.close()
        let spans = tracer.finishedSpans
        let request = try #require(spans.first { $0.operationName == "request" })
        let children = spans.filter { $0.parentSpanID == request.spanID }.map(\.operationName)
        #expect(children == ["VectorStoreService.createStore", "VectorStoreService.attachFile", "VectorStoreService.search"])
        let failed = try #require(spans.last { $0.operationName == "VectorStoreService.search" })
        #expect(failed.status?.code == .error)
        #expect(failed.attributes["stackkit.vector_store"]?.toSpanAttribute() == "vs_missing")
    }

    @Test("100 concurrent traced searches each keep their VectorStoreService span under their own root")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let service = try VectorStoreService(
            tables: backend.store, embedders: [BagOfWordsEmbedder()],
            files: MemoryFileSource(files: ["file-1": MemoryFileSource.text("notes.txt", "the cat sat on the mat")]),
            tokenizer: ScalarTokenizer(), tracer: tracer
        )
        try await service.prepare()
        let store = try await service.createStore(name: "docs", fileIDs: ["file-1"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for request in 0..<100 {
                group.addTask {
                    try await tracer.withSpan("request \(request)") { _ in
                        _ = try await service.search(storeID: store.id, queries: ["cat"])
                    }
                }
            }
            try await group.waitForAll()
        }
        await backend.close()
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.operationName.hasPrefix("request ") }
        #expect(roots.count == 100)
        for root in roots {
            #expect(spans.filter { $0.parentSpanID == root.spanID }.map(\.operationName) == ["VectorStoreService.search"])
        }
    }
}
