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
}
