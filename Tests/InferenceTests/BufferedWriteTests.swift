import Inference
import OpenAITypes
import SQLStore
import StorageRefs
import Testing
import _TableWriting
import _TestBackends

/// The buffered write path (`TableWriter`) through the inference store, on every backend.
@Suite(.timeLimit(.minutes(3)))
struct BufferedWriteTests {
    /// A prepared buffered store with its workers running; drained and closed afterwards.
    func withBufferedStore(
        _ kind: TestTableBackend.Kind,
        queueSize: Int = 100,
        _ body: (InferenceStore, TestTableBackend) async throws -> Void
    ) async throws {
        let backend = try await TestTableBackend.open(kind)
        let store = InferenceStore(
            tables: AuthorizedTableStore(base: backend.store),
            reference: InferenceStoreReference(
                backend: "sql_default",
                tableName: "buffered",
                maxWriteQueueSize: queueSize,
                numWriters: 3
            ),
            mode: .buffered,
            logger: quietLogger
        )
        let workers = Task { try await store.run() }
        do {
            try await store.prepare()
            try await body(store, backend)
        } catch {
            await store.writer.finish()
            _ = try? await workers.value
            await backend.close()
            throw error
        }
        await store.writer.finish()
        try await workers.value
        await backend.close()
    }

    @Test("flush makes every buffered write visible, owned by the user who made it", arguments: backendKinds)
    func flushCommitsEverything(_ kind: TestTableBackend.Kind) async throws {
        try await withBufferedStore(kind, queueSize: 16) { store, backend in
            let alice = User(principal: "alice", attributes: ["teams": ["ml"]])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<20 {
                    group.addTask {
                        try await User.withCurrent(task % 2 == 0 ? alice : nil) {
                            for index in 0..<25 {
                                try await store.store(try completion(id: "t\(task)-\(index)", created: Int64(index)), inputMessages: [])
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            await store.flush()
            #expect(try await backend.store.count(in: "buffered") == 500, "all 500 writes committed (\(kind))")
            let owned = try await backend.store.count(
                in: "buffered",
                where: .equal(AuthorizedTableStore.ownerPrincipalColumn, "alice")
            )
            #expect(owned == 250, "the writer kept each write's user")
            #expect(try await backend.store.count(in: "buffered_dead_letters") == 0)
        }
    }

    @Test("a write that cannot succeed is dead-lettered and reported; its batch still commits", arguments: backendKinds)
    func poisonWriteIsDeadLettered(_ kind: TestTableBackend.Kind) async throws {
        try await withBufferedStore(kind) { store, backend in
            try await store.store(try completion(id: "dup", created: 1), inputMessages: [])
            await store.flush()
            var failures = store.failures.makeAsyncIterator()
            for index in 0..<10 {
                try await store.store(try completion(id: "ok-\(index)", created: 2), inputMessages: [])
                if index == 5 { try await store.store(try completion(id: "dup", created: 3), inputMessages: []) }
            }
            await store.flush()
            #expect(try await backend.store.count(in: "buffered") == 11, "the ten good writes and the first dup")
            let failure = try #require(await failures.next())
            #expect(failure.label == "chat completion dup")
            #expect(failure.deadLettered && failure.attempts == 1, "a constraint violation is not retried")
            #expect((failure.error as? StorageError)?.code == .constraintViolation)
            let letters = try await backend.store.fetchPage(TableQuery(table: "buffered_dead_letters")).rows
            #expect(letters.count == 1)
            #expect(letters.first?["label"] == "chat completion dup")
            guard case .json(.array(let operations))? = letters.first?["operations"] else {
                Issue.record("the dead letter keeps the operations")
                return
            }
            #expect(operations.first?.objectValue?["table"] == "buffered")
            #expect(try await store.completion(id: "dup").completion.created == 1, "the stored row is unchanged")
        }
    }

    @Test("finishing drains the queue before run() returns", arguments: backendKinds)
    func finishDrains(_ kind: TestTableBackend.Kind) async throws {
        let backend = try await TestTableBackend.open(kind)
        do {
            try await self.drain(backend, kind)
        } catch {
            await backend.close()
            throw error
        }
        await backend.close()
    }

    private func drain(_ backend: TestTableBackend, _ kind: TestTableBackend.Kind) async throws {
        let store = InferenceStore(
            tables: backend.store,
            reference: InferenceStoreReference(backend: "sql_default", tableName: "drain", maxWriteQueueSize: 1_000),
            mode: .buffered,
            logger: quietLogger
        )
        try await store.prepare()
        // Queue everything before any worker runs, then start and finish at once.
        for index in 0..<300 {
            try await store.store(try completion(id: "d\(index)", created: Int64(index)), inputMessages: [])
        }
        let workers = Task { try await store.run() }
        await store.writer.finish()
        try await workers.value
        #expect(try await backend.store.count(in: "drain") == 300, "shutdown drained all 300 (\(kind))")
        await #expect(throws: StorageError.self, "a finished writer accepts nothing") {
            try await store.store(try completion(id: "late", created: 1), inputMessages: [])
        }
    }
}
