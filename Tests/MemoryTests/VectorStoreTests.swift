import Foundation
import Memory
import SQLStore
import SQLStorePostgres
import StorageRefs
import Testing
import VectorIO
import VectorIOPostgres
import VectorIOSQLite
import _TestBackends

let backendKinds: [TestTableBackend.Kind] = TestTableBackend.postgresMustRun ? [.sqlite, .postgres] : [.sqlite]

/// Files held in memory; an unknown id is an error, as a Files store answers.
struct MemoryFileSource: VectorStoreFileSource {
    var files: [String: SourceFile]

    func file(id: String) async throws -> SourceFile {
        guard let file = files[id] else { throw MemoryError(code: .sourceUnavailable, message: "no file with id '\(id)'") }
        return file
    }

    static func text(_ name: String, _ text: String) -> SourceFile {
        SourceFile(filename: name, document: LoadedDocument(source: name, bytes: Array(text.utf8), mimeType: "text/plain", charset: "utf-8"))
    }
}

struct VectorStoreFixture {
    let backend: TestTableBackend
    let service: VectorStoreService

    static let corpus: [String: SourceFile] = {
        var files: [String: SourceFile] = [
            "file-whales": MemoryFileSource.text("whales.txt", "Whales sing long songs in the deep ocean."),
            "file-bread": MemoryFileSource.text("bread.txt", "Bread dough rises in a warm kitchen before baking."),
            "file-ocean": MemoryFileSource.text("ocean.txt", "The ocean is deep and the ocean is blue and salty."),
            "file-image": SourceFile(filename: "photo.png", document: LoadedDocument(source: "photo.png", bytes: [0x89, 0x50], mimeType: "image/png", charset: nil)),
        ]
        // 26 windows of 100 scalar tokens, each starting with its number, to check the order of contents.
        files["file-long"] = MemoryFileSource.text("long.txt", (0..<26).map { "[\(String(format: "%02d", $0))]" + String(repeating: "x", count: 96) }.joined())
        for n in 0..<12 { files["file-\(n)"] = MemoryFileSource.text("f\(n).txt", "note number \(n)") }
        return files
    }()

    static func with(_ kind: TestTableBackend.Kind, embedder: BagOfWordsEmbedder = BagOfWordsEmbedder(), clock: ManualWallClock = ManualWallClock(), _ body: (VectorStoreFixture) async throws -> Void) async throws {
        let backend = try await TestTableBackend.open(kind)
        do {
            let keyword: any KeywordSearchBackend =
                if let sqlite = backend.store as? SQLiteTableStore { SQLiteKeywordSearch(store: sqlite) } else { try PostgresKeywordSearch(store: backend.store as! PostgresTableStore) }
            let service = try VectorStoreService(
                tables: backend.store, embedders: [embedder], files: MemoryFileSource(files: corpus),
                tokenizer: ScalarTokenizer(), keywordSearch: keyword, clock: clock
            )
            try await service.prepare()
            try await body(VectorStoreFixture(backend: backend, service: service))
            await backend.close()
        } catch {
            await backend.close()
            throw error
        }
    }
}

@Suite("OpenAI vector stores")
struct VectorStoreTests {
    static let small = ChunkingStrategy.static(maxChunkSizeTokens: 100, chunkOverlapTokens: 0)

    @Test("create: the embedding model and dimension come from the request, metadata or the default — never a silent 768", arguments: backendKinds)
    func create(kind: TestTableBackend.Kind) async throws {
        try await VectorStoreFixture.with(kind) { fixture in
            let store = try await fixture.service.createStore(name: "docs", metadata: ["team": "a"])
            #expect(store.embeddingModel == "bag-of-words" && store.embeddingDimension == 16)
            #expect(store.id.hasPrefix("vs_") && store.fileCounts == VectorStoreFileCounts())
            #expect(try await fixture.service.retrieveStore(id: store.id) == store)
            await #expect(throws: MemoryError.self) { try await fixture.service.createStore(embeddingModel: "nomic-embed") }
            await #expect(throws: MemoryError.invalid("embedding_dimension", "768 differs from bag-of-words's dimension 16")) {
                try await fixture.service.createStore(embeddingDimension: 768)
            }
            await #expect(throws: MemoryError.self) {
                try await fixture.service.createStore(metadata: ["embedding_model": "x"], embeddingModel: "bag-of-words")
            }
            await #expect(throws: MemoryError.self) { try await fixture.service.createStore(chunkingStrategy: .static(maxChunkSizeTokens: 50, chunkOverlapTokens: 0)) }
            await #expect(throws: MemoryError.self) { try await fixture.service.retrieveStore(id: "vs_missing") }
            let renamed = try await fixture.service.updateStore(id: store.id, name: "renamed", metadata: ["team": "b"])
            #expect(renamed.name == "renamed" && renamed.metadata == ["team": "b"])
        }
    }

    @Test("attach: statuses, counts in step, last_error persisted across a restart", arguments: backendKinds)
    func attach(kind: TestTableBackend.Kind) async throws {
        try await VectorStoreFixture.with(kind) { fixture in
            let store = try await fixture.service.createStore(fileIDs: ["file-whales", "file-bread"], chunkingStrategy: Self.small)
            #expect(store.fileCounts == VectorStoreFileCounts(completed: 2, total: 2))
            let missing = try await fixture.service.attachFile(storeID: store.id, fileID: "file-nope")
            #expect(missing.status == "failed")
            #expect(missing.lastError == VectorStoreFileError(code: "server_error", message: "no file with id 'file-nope'"))
            let image = try await fixture.service.attachFile(storeID: store.id, fileID: "file-image")
            #expect(image.status == "failed" && image.lastError?.code == "unsupported_file")
            // Attaching again is idempotent.
            #expect(try await fixture.service.attachFile(storeID: store.id, fileID: "file-whales").status == "completed")
            let counts = try await fixture.service.retrieveStore(id: store.id).fileCounts
            #expect(counts == VectorStoreFileCounts(completed: 2, failed: 2, total: 4))
            #expect(try await fixture.service.retrieveStore(id: store.id).usageBytes > 0)
            await #expect(throws: MemoryError.self) { try await fixture.service.attachFile(storeID: store.id, fileID: "file-0", attributes: ["nested": ["a": 1]]) }

            // A new service on the same database (a restart) reads the same state, last_error included.
            let again = try VectorStoreService(
                tables: fixture.backend.store, embedders: [BagOfWordsEmbedder()], files: MemoryFileSource(files: [:]), tokenizer: ScalarTokenizer()
            )
            #expect(try await again.retrieveFile(storeID: store.id, fileID: "file-nope").lastError?.message == "no file with id 'file-nope'")
            #expect(try await again.retrieveStore(id: store.id).fileCounts == counts)
        }
    }

    @Test("concurrent attaches leave counts equal to the file records (no lost updates)", arguments: backendKinds)
    func concurrentAttaches(kind: TestTableBackend.Kind) async throws {
        try await VectorStoreFixture.with(kind) { fixture in
            let store = try await fixture.service.createStore(chunkingStrategy: Self.small)
            let service = fixture.service
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<12 { group.addTask { _ = try await service.attachFile(storeID: store.id, fileID: "file-\(n)") } }
                for n in 0..<3 { group.addTask { _ = try await service.attachFile(storeID: store.id, fileID: "file-missing-\(n)") } }
                // The same file attached twice at once is attached once.
                group.addTask { _ = try await service.attachFile(storeID: store.id, fileID: "file-0") }
                try await group.waitForAll()
            }
            #expect(try await service.retrieveStore(id: store.id).fileCounts == VectorStoreFileCounts(completed: 12, failed: 3, total: 15))
            try await FileBatchTests.expectCountsMatchRecords(service, store.id)
        }
    }

    @Test("file contents of 26 chunks come back in file order", arguments: backendKinds)
    func contentsInOrder(kind: TestTableBackend.Kind) async throws {
        try await VectorStoreFixture.with(kind) { fixture in
            let store = try await fixture.service.createStore(chunkingStrategy: Self.small)
            let file = try await fixture.service.attachFile(storeID: store.id, fileID: "file-long")
            #expect(file.status == "completed" && file.chunkCount == 26)
            let contents = try await fixture.service.fileContents(storeID: store.id, fileID: "file-long")
            #expect(contents.data.map { String($0.text.prefix(4)) } == (0..<26).map { "[\(String(format: "%02d", $0))]" })
            #expect(contents.filename == "long.txt")
        }
    }

    @Test("listing files with after = last_id visits every file once; status filter; before", arguments: backendKinds)
    func listFiles(kind: TestTableBackend.Kind) async throws {
        let clock = ManualWallClock()
        try await VectorStoreFixture.with(kind, clock: clock) { fixture in
            let store = try await fixture.service.createStore(chunkingStrategy: Self.small)
            for n in 0..<12 {
                if n % 5 == 0 { clock.advance(by: 1) }
                _ = try await fixture.service.attachFile(storeID: store.id, fileID: "file-\(n)")
            }
            _ = try await fixture.service.attachFile(storeID: store.id, fileID: "file-nope")
            var seen: [String] = []
            var after: String?
            repeat {
                let page = try await fixture.service.listFiles(storeID: store.id, limit: 5, order: .ascending, after: after)
                #expect(page.firstID == page.data.first?.id && page.lastID == page.data.last?.id)
                seen += page.data.map(\.id)
                after = page.hasMore ? page.lastID : nil
            } while after != nil
            #expect(seen.count == 13 && Set(seen).count == 13)
            let failed = try await fixture.service.listFiles(storeID: store.id, status: "failed")
            #expect(failed.data.map(\.id) == ["file-nope"])
            let before = try await fixture.service.listFiles(storeID: store.id, limit: 2, order: .ascending, before: seen[4])
            #expect(before.data.map(\.id) == Array(seen[2..<4]))
            await #expect(throws: MemoryError.self) { try await fixture.service.listFiles(storeID: store.id, after: "file-unknown") }
            await #expect(throws: MemoryError.self) { try await fixture.service.listFiles(storeID: store.id, limit: 101) }
        }
    }

    @Test("search: modes, filters before the cut, attributes updates reflected, typed errors", arguments: backendKinds)
    func search(kind: TestTableBackend.Kind) async throws {
        try await VectorStoreFixture.with(kind) { fixture in
            let store = try await fixture.service.createStore(chunkingStrategy: Self.small)
            _ = try await fixture.service.attachFile(storeID: store.id, fileID: "file-whales", attributes: ["kind": "animal", "year": 2020])
            _ = try await fixture.service.attachFile(storeID: store.id, fileID: "file-bread", attributes: ["kind": "food", "year": 2021])
            _ = try await fixture.service.attachFile(storeID: store.id, fileID: "file-ocean", attributes: ["kind": "place", "year": 2022])
            for mode in ["vector", "keyword", "hybrid"] {
                let page = try await fixture.service.search(storeID: store.id, queries: ["ocean"], maxNumResults: 2, searchMode: mode)
                #expect(page.data.first?.fileID == "file-ocean", "\(mode)")
                #expect(page.searchQuery == ["ocean"])
            }
            let filtered = try await fixture.service.search(
                storeID: store.id, queries: ["ocean"], filters: ["type": "in", "key": "kind", "value": ["food"]], maxNumResults: 1
            )
            #expect(filtered.data.map(\.fileID) == ["file-bread"])
            #expect(filtered.data.first?.attributes == ["kind": "food", "year": 2021])
            #expect(filtered.data.first?.filename == "bread.txt")
            _ = try await fixture.service.updateFile(storeID: store.id, fileID: "file-bread", attributes: ["kind": "baking"])
            let afterUpdate = try await fixture.service.search(storeID: store.id, queries: ["ocean"], filters: ["type": "eq", "key": "kind", "value": "food"])
            #expect(afterUpdate.data.isEmpty)
            let updated = try await fixture.service.search(storeID: store.id, queries: ["bread"], filters: ["type": "eq", "key": "kind", "value": "baking"])
            #expect(updated.data.map(\.fileID) == ["file-bread"])
            await #expect(throws: VectorIOError.self) { try await fixture.service.search(storeID: store.id, queries: ["x"], filters: ["type": "like", "key": "k", "value": 1]) }
            await #expect(throws: MemoryError.self) { try await fixture.service.search(storeID: store.id, queries: ["x"], rewriteQuery: true) }
            await #expect(throws: MemoryError.self) { try await fixture.service.search(storeID: store.id, queries: ["x"], maxNumResults: 51) }
            await #expect(throws: MemoryError.self) { try await fixture.service.search(storeID: store.id, queries: ["x"], searchMode: "semantic") }
        }
    }

    @Test("a failing embedder makes search throw instead of answering an empty page")
    func failingEmbedderSearch() async throws {
        let embedder = BagOfWordsEmbedder(failing: true)
        try await VectorStoreFixture.with(.sqlite, embedder: embedder) { fixture in
            let store = try await fixture.service.createStore(fileIDs: ["file-whales"], chunkingStrategy: Self.small)
            #expect(try await fixture.service.retrieveFile(storeID: store.id, fileID: "file-whales").status == "failed")
            await #expect(throws: MemoryError(code: .sourceUnavailable, message: "the embedding model is down")) {
                try await fixture.service.search(storeID: store.id, queries: ["whales"])
            }
        }
    }

    @Test("deleting a file updates counts and removes its chunks; deleting a store removes its files", arguments: backendKinds)
    func deletes(kind: TestTableBackend.Kind) async throws {
        try await VectorStoreFixture.with(kind) { fixture in
            let store = try await fixture.service.createStore(fileIDs: ["file-whales", "file-ocean", "file-nope"], chunkingStrategy: Self.small)
            _ = try await fixture.service.deleteFile(storeID: store.id, fileID: "file-ocean")
            _ = try await fixture.service.deleteFile(storeID: store.id, fileID: "file-nope")
            let after = try await fixture.service.retrieveStore(id: store.id)
            #expect(after.fileCounts == VectorStoreFileCounts(completed: 1, total: 1))
            let found = try await fixture.service.search(storeID: store.id, queries: ["ocean"], searchMode: "keyword")
            #expect(found.data.allSatisfy { $0.fileID == "file-whales" })
            await #expect(throws: MemoryError.self) { try await fixture.service.deleteFile(storeID: store.id, fileID: "file-ocean") }
            let deletion = try await fixture.service.deleteStore(id: store.id)
            #expect(deletion.deleted)
            #expect(try await fixture.backend.store.count(in: "vector_store_files") == 0)
            #expect(try await fixture.backend.store.count(in: "chunks_" + store.id) == 0)
            await #expect(throws: MemoryError.self) { try await fixture.service.retrieveStore(id: store.id) }
        }
    }

    @Test("expires_after counts from the last activity; an expired store reports it and refuses search and attach")
    func expiry() async throws {
        let clock = ManualWallClock()
        try await VectorStoreFixture.with(.sqlite, clock: clock) { fixture in
            let store = try await fixture.service.createStore(expiresAfter: ["anchor": "last_active_at", "days": 2], chunkingStrategy: Self.small)
            #expect(store.expiresAt == store.createdAt + 2 * 86_400)
            clock.advance(by: 86_400)
            _ = try await fixture.service.attachFile(storeID: store.id, fileID: "file-whales")
            let active = try await fixture.service.retrieveStore(id: store.id)
            #expect(active.expiresAt == store.createdAt + 3 * 86_400 && active.status == "completed")
            clock.advance(by: 2 * 86_400)
            #expect(try await fixture.service.retrieveStore(id: store.id).status == "expired")
            await #expect(throws: MemoryError.invalid("vector_store_id", "vector store '\(store.id)' has expired")) {
                try await fixture.service.search(storeID: store.id, queries: ["whales"])
            }
            await #expect(throws: MemoryError.self) { try await fixture.service.attachFile(storeID: store.id, fileID: "file-bread") }
            await #expect(throws: MemoryError.self) { try await fixture.service.createStore(expiresAfter: ["anchor": "created_at", "days": 2]) }
            #expect(try await fixture.service.deleteStore(id: store.id).deleted)
        }
    }

    @Test("listing stores pages by after/before with the page's first and last ids", arguments: backendKinds)
    func listStores(kind: TestTableBackend.Kind) async throws {
        let clock = ManualWallClock()
        try await VectorStoreFixture.with(kind, clock: clock) { fixture in
            var ids: [String] = []
            for n in 0..<7 {
                if n % 3 == 0 { clock.advance(by: 1) }
                ids.append(try await fixture.service.createStore(name: "s\(n)").id)
            }
            var seen: [String] = []
            var after: String?
            repeat {
                let page = try await fixture.service.listStores(limit: 3, order: .descending, after: after)
                #expect(page.firstID == page.data.first?.id && page.lastID == page.data.last?.id)
                seen += page.data.map(\.id)
                after = page.hasMore ? page.lastID : nil
            } while after != nil
            #expect(Set(seen) == Set(ids) && seen.count == 7)
        }
    }
}
