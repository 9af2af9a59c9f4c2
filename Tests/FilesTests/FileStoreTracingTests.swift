import Files
import Foundation
import InMemoryTracing
import StorageRefs
import Testing
import Tracing
import _TestBackends

@Suite("File store tracing")
struct FileStoreTracingTests {
    @Test("upload, retrieve and a missing file are FileStore spans with the table and sizes, never the content")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-files-tracing-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try await FileStore.open(store: backend.store, configuration: .init(directory: directory.path), logger: quietLogger, tracer: tracer)
        let uploaded = try await files.upload(Data("secret body".utf8), filename: "a.txt", purpose: .assistants)
        _ = try await files.retrieve(id: uploaded.id)
        await #expect(throws: FileStoreError.self) { _ = try await files.retrieve(id: "file-missing") }
        await backend.close()
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["FileStore.upload", "FileStore.retrieve", "FileStore.retrieve"])
        #expect(spans[0].attributes["stackkit.bytes"]?.toSpanAttribute() == 11)
        #expect(spans[0].attributes["stackkit.table"]?.toSpanAttribute() == "openai_files")
        #expect(spans[2].status?.code == .error)
        #expect(spans.allSatisfy { !"\($0.attributes)".contains("secret body") })
    }

    @Test("100 concurrent traced uploads each keep their FileStore span under their own root")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let backend = try await TestTableBackend.open(.sqlite)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-files-tracing-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try await FileStore.open(store: backend.store, configuration: .init(directory: directory.path), logger: quietLogger, tracer: tracer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await tracer.withSpan("request \(index)") { _ in
                        _ = try await files.upload(Data(repeating: UInt8(index), count: index + 1), filename: "f\(index).bin", purpose: .assistants)
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
            #expect(children.map(\.operationName) == ["FileStore.upload"])
            #expect(children.first?.attributes["stackkit.bytes"]?.toSpanAttribute() == .int64(Int64(root.operationName.dropFirst(8))! + 1))
        }
    }
}
