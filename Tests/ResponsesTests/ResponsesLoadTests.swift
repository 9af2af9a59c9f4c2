import OpenAITypes
import Responses
import SQLStore
import StorageRefs
import Testing
import _TableWriting
import _TestBackends

/// Buffered mode under load: 200 concurrent tasks store 10,000 responses (about 2 KB each), then
/// `flush()`; every one is there exactly once, and nothing was dead-lettered.
@Suite(.timeLimit(.minutes(5)))
struct ResponsesLoadTests {
    static let taskCount = 200
    static let perTask = 50

    @Test("200 tasks store 10,000 responses in buffered mode; after flush all 10,000 are there", arguments: backendKinds)
    func bufferedLoad(_ kind: TestTableBackend.Kind) async throws {
        let backend = try await TestTableBackend.open(kind)
        let store = ResponsesStore(
            tables: AuthorizedTableStore(base: backend.store),
            reference: ResponsesStoreReference(backend: "sql_default", tableName: "load_responses"),
            mode: .buffered,
            logger: quietLogger
        )
        let workers = Task { try await store.run() }
        do {
            try await store.prepare()
            let input = try inputItems(2)
            let messages = try chatMessages("load")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<Self.taskCount {
                    group.addTask {
                        let user = User(principal: "user\(task % 10)", attributes: ["teams": ["t\(task % 10)"]])
                        try await User.withCurrent(user) {
                            for index in 0..<Self.perTask {
                                let id = "resp_\(task)_\(index)"
                                try await store.store(
                                    try response(id: id, createdAt: Int64(index), padding: 150),
                                    input: input,
                                    messages: messages
                                )
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            await store.flush()
            let total = Self.taskCount * Self.perTask
            #expect(try await backend.store.count(in: "load_responses") == total, "exactly \(total) rows (\(kind))")
            let distinct = try await backend.store.fetchPage(TableQuery(table: "load_responses", columns: ["id"]))
                .rows.compactMap { $0["id"]?.stringValue }
            #expect(Set(distinct).count == total, "each response once")
            let deadLetters = try await backend.store.fetchPage(TableQuery(table: "load_responses_dead_letters", limit: 3)).rows
            #expect(deadLetters.isEmpty, "nothing dead-lettered; first dead letters: \(deadLetters)")
            // Each user sees exactly their own 1,000.
            let mine = try await User.withCurrent(User(principal: "user3", attributes: ["teams": ["t3"]])) {
                try await store.list(limit: 100).data.count
            }
            #expect(mine == 100)
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
}
