import Inference
import OpenAITypes
import SQLStore
import StorageRefs
import Testing
import _TableWriting
import _TestBackends

/// The inference store on every backend, through the access-control decorator.
@Suite(.timeLimit(.minutes(3)))
struct InferenceStoreTests {
    static let alice = User(principal: "alice", attributes: ["teams": ["ml"]])
    static let bob = User(principal: "bob", attributes: ["teams": ["infra"]])

    /// Runs `body` with a prepared store on a fresh backend of `kind`.
    func withStore(
        _ kind: TestTableBackend.Kind,
        table: String = "chat_completions_custom",
        mode: TableWriteMode = .durable,
        _ body: (InferenceStore, TestTableBackend) async throws -> Void
    ) async throws {
        let backend = try await TestTableBackend.open(kind)
        do {
            let store = InferenceStore(
                tables: AuthorizedTableStore(base: backend.store),
                reference: InferenceStoreReference(backend: "sql_default", tableName: table),
                mode: mode,
                logger: quietLogger
            )
            try await store.prepare()
            try await body(store, backend)
        } catch {
            await backend.close()
            throw error
        }
        await backend.close()
    }

    @Test("store, get and the reference's table name", arguments: backendKinds)
    func storeAndGet(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind, table: "my_completions") { store, backend in
            let stored = try completion(id: "cc-1", created: 100)
            try await store.store(stored, inputMessages: try inputMessages("hi"))
            let read = try await store.completion(id: "cc-1")
            #expect(read.completion == stored, "unknown fields survive (\(kind))")
            #expect(read.completion.fields["x_new_field"] == .int(9_007_199_254_740_993))
            #expect(read.inputMessages == (try inputMessages("hi")))
            // The rows are in the reference's table, not a hard-coded one.
            #expect(try await backend.store.count(in: "my_completions") == 1)
            await #expect(throws: StorageError.self) { _ = try await backend.store.count(in: "chat_completions") }
        }
    }

    @Test("durable writes on a store without the decorator", arguments: backendKinds)
    func durableWithoutDecorator(_ kind: TestTableBackend.Kind) async throws {
        let backend = try await TestTableBackend.open(kind)
        do {
            let store = InferenceStore(
                tables: backend.store,
                reference: InferenceStoreReference(backend: "sql_default", tableName: "plain"),
                logger: quietLogger
            )
            try await store.prepare()
            let service = Task { try await store.run() }
            for index in 0..<20 {
                try await store.store(try completion(id: "p\(index)", created: Int64(index)), inputMessages: [])
            }
            #expect(try await backend.store.count(in: "plain") == 20)
            // The durable store's service stops when finished, as a buffered one does.
            await store.writer.finish()
            try await service.value
        } catch {
            await backend.close()
            throw error
        }
        await backend.close()
    }

    @Test("a missing id is notFound; a duplicate id is a constraint violation", arguments: backendKinds)
    func errors(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            do {
                _ = try await store.completion(id: "nope")
                Issue.record("a missing completion must throw")
            } catch let error as InferenceStoreError {
                #expect(error.code == .notFound)
                #expect(error.message.contains("nope"))
            }
            try await store.store(try completion(id: "cc-1", created: 1), inputMessages: [])
            do {
                try await store.store(try completion(id: "cc-1", created: 2), inputMessages: [])
                Issue.record("a duplicate id must throw in durable mode")
            } catch let error as StorageError {
                #expect(error.code == .constraintViolation)
            }
            #expect(try await store.completion(id: "cc-1").completion.created == 1, "the first write stays")
        }
    }

    @Test("list: newest first, limit, model filter, after, ties, empty page", arguments: backendKinds)
    func list(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            let empty = try await store.list()
            #expect(empty.data.isEmpty && !empty.hasMore && empty.firstID == "" && empty.lastID == "")
            // 30 completions over 10 timestamps (ties), two models.
            for index in 0..<30 {
                let id = "cc-\(String(index).count == 1 ? "0\(index)" : "\(index)")"
                try await store.store(
                    try completion(id: id, created: Int64(index / 3), model: index % 2 == 0 ? "a" : "b"),
                    inputMessages: []
                )
            }
            for order in [SortDirection.descending, .ascending] {
                var seen: [String] = []
                var after: String?
                repeat {
                    let page = try await store.list(after: after, limit: 4, order: order)
                    seen += page.data.map(\.completion.id)
                    #expect(page.firstID == page.data.first?.completion.id)
                    after = page.hasMore ? page.lastID : nil
                } while after != nil
                #expect(seen.count == 30 && Set(seen).count == 30, "every completion once (\(kind), \(order))")
                let created = try await seen.asyncMap { try await store.completion(id: $0).completion.created }
                #expect(created == (order == .descending ? created.sorted(by: >) : created.sorted()))
            }
            let onlyA = try await store.list(limit: 100, model: "a")
            #expect(onlyA.data.count == 15 && onlyA.data.allSatisfy { $0.completion.model == "a" })
            #expect(try await store.list().data.count == 30, "the default limit (50) holds all 30")
            do {
                _ = try await store.list(after: "missing")
                Issue.record("an unknown cursor must throw")
            } catch let error as InferenceStoreError {
                #expect(error.code == .unknownCursor && error.message.contains("missing"))
            }
            await #expect(throws: InferenceStoreError.self) { _ = try await store.list(limit: 0) }
        }
    }

    @Test("one user's completions are invisible to another", arguments: backendKinds)
    func accessControl(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            try await User.withCurrent(Self.alice) {
                try await store.store(try completion(id: "alice-1", created: 1), inputMessages: [])
            }
            try await User.withCurrent(Self.bob) {
                try await store.store(try completion(id: "bob-1", created: 2), inputMessages: [])
                #expect(try await store.list().data.map(\.completion.id) == ["bob-1"])
                do {
                    _ = try await store.completion(id: "alice-1")
                    Issue.record("bob must not read alice's completion")
                } catch let error as InferenceStoreError {
                    #expect(error.code == .notFound, "not permitted looks like not found")
                }
                await #expect(throws: InferenceStoreError.self) { _ = try await store.list(after: "alice-1") }
            }
            #expect(try await User.withCurrent(Self.alice) { try await store.list().data.map(\.completion.id) } == ["alice-1"])
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
