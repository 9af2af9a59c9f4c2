import InMemoryTracing
import StorageRefs
import Testing
import Tracing
import VectorIO
import _TestBackends

@Suite("Vector index tracing")
struct VectorIOTracingTests {
    @Test("add and queries are FlatVectorIndex spans under the caller's, with the table and sizes; a bad query is an error span")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let index = try await FlatVectorIndex.open(store: backend.store, table: "traced_chunks", dimension: 3, tracer: tracer)
        try await tracer.withSpan("request") { _ in
            try await index.add([
                Chunk(documentID: "d", content: "one", embedding: [1, 0, 0]),
                Chunk(documentID: "d", content: "two", embedding: [0, 1, 0]),
            ])
            let matches = try await index.queryVector([1, 0, 0], options: SearchOptions(k: 1))
            #expect(matches.map(\.chunk.content) == ["one"])
        }
        await #expect(throws: VectorIOError.self) { _ = try await index.queryVector([1, 0], options: SearchOptions(k: 1)) }
        await backend.close()
        let spans = tracer.finishedSpans
        let request = try #require(spans.first { $0.operationName == "request" })
        let children = spans.filter { $0.parentSpanID == request.spanID }
        #expect(children.map(\.operationName) == ["FlatVectorIndex.add", "FlatVectorIndex.queryVector"])
        #expect(children[0].attributes["stackkit.count"]?.toSpanAttribute() == 2)
        #expect(children[0].attributes["stackkit.table"]?.toSpanAttribute() == "traced_chunks")
        #expect(children[1].attributes["stackkit.limit"]?.toSpanAttribute() == 1)
        let failed = try #require(spans.last { $0.operationName == "FlatVectorIndex.queryVector" })
        #expect(failed.status?.code == .error)
    }

    @Test("100 concurrent traced queries each keep their FlatVectorIndex span under their own root")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let index = try await FlatVectorIndex.open(store: backend.store, table: "traced_chunks", dimension: 3, tracer: tracer)
        try await index.add([Chunk(documentID: "d", content: "one", embedding: [1, 0, 0])])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for request in 0..<100 {
                group.addTask {
                    try await tracer.withSpan("request \(request)") { _ in
                        _ = try await index.queryVector([1, 0, 0], options: SearchOptions(k: request % 5 + 1))
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
            let children = spans.filter { $0.parentSpanID == root.spanID }
            #expect(children.map(\.operationName) == ["FlatVectorIndex.queryVector"])
            #expect(children.first?.attributes["stackkit.limit"]?.toSpanAttribute() == .int64(Int64(Int(root.operationName.dropFirst(8))! % 5 + 1)))
        }
    }
}
