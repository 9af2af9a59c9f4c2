import OpenAITypes
import Responses
import SQLStore
import StorageRefs
import Testing
import _TableWriting
import _TestBackends

/// The responses store on every backend, through the access-control decorator.
@Suite(.timeLimit(.minutes(3)))
struct ResponsesStoreTests {
    static let alice = User(principal: "alice", attributes: ["teams": ["ml"]])
    static let bob = User(principal: "bob", attributes: ["teams": ["infra"]])

    func withStore(
        _ kind: TestTableBackend.Kind,
        _ body: (ResponsesStore, TestTableBackend) async throws -> Void
    ) async throws {
        let backend = try await TestTableBackend.open(kind)
        do {
            let store = ResponsesStore(
                tables: AuthorizedTableStore(base: backend.store),
                reference: ResponsesStoreReference(backend: "sql_default", tableName: "my_responses"),
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

    func expectError(_ code: ResponsesStoreError.Code, mentioning words: [String], _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code)")
        } catch let error as ResponsesStoreError {
            #expect(error.code == code, "\(error)")
            for word in words { #expect(error.message.contains(word), "\(error) names \(word)") }
        } catch {
            Issue.record("expected a ResponsesStoreError \(code), got \(error)")
        }
    }

    @Test("store and get with input and messages; unknown fields survive; the reference's table", arguments: backendKinds)
    func storeAndGet(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, backend in
            let stored = try response(id: "resp_1", createdAt: 10)
            try await store.store(stored, input: try inputItems(3), messages: try chatMessages("hi"))
            let read = try await store.response(id: "resp_1")
            #expect(read.response == stored)
            #expect(read.response.fields["x_future"] == ["k": [1, .double(1)]])
            #expect(read.input == (try inputItems(3)))
            #expect(read.messages == (try chatMessages("hi")))
            #expect(try await backend.store.count(in: "my_responses") == 1)
            await expectError(.notFound, mentioning: ["resp_nope"]) { _ = try await store.response(id: "resp_nope") }
        }
    }

    @Test("delete returns the deletion object; a second delete is notFound", arguments: backendKinds)
    func delete(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            try await store.store(try response(id: "resp_1", createdAt: 1), input: [], messages: [])
            let deletion = try await store.delete(id: "resp_1")
            #expect(deletion == ResponseDeletion(id: "resp_1"))
            #expect(deletion.object == "response" && deletion.deleted)
            await expectError(.notFound, mentioning: ["resp_1"]) { _ = try await store.delete(id: "resp_1") }
            await expectError(.notFound, mentioning: ["resp_1"]) { _ = try await store.response(id: "resp_1") }
        }
    }

    @Test("list pages with ties in both orders, model filter, unknown cursor", arguments: backendKinds)
    func list(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            for index in 0..<25 {
                try await store.store(
                    try response(id: "resp_\(index + 10)", createdAt: Int64(index / 5), model: index % 2 == 0 ? "a" : "b"),
                    input: [],
                    messages: []
                )
            }
            for order in [SortDirection.descending, .ascending] {
                var seen: [StoredResponse] = []
                var after: String?
                repeat {
                    let page = try await store.list(after: after, limit: 7, order: order)
                    seen += page.data
                    after = page.hasMore ? page.lastID : nil
                } while after != nil
                #expect(Set(seen.map(\.response.id)).count == 25 && seen.count == 25, "\(kind) \(order)")
                let created = seen.map(\.response.createdAt)
                #expect(created == (order == .descending ? created.sorted(by: >) : created.sorted()))
            }
            #expect(try await store.list(model: "b").data.count == 12)
            await expectError(.unknownCursor, mentioning: ["resp_x"]) { _ = try await store.list(after: "resp_x") }
            await expectError(.invalidArgument, mentioning: ["0"]) { _ = try await store.list(limit: 0) }
        }
    }

    @Test("input items: order, after, before, limit and the typed errors", arguments: backendKinds)
    func inputItemsPaging(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            try await store.store(try response(id: "resp_1", createdAt: 1), input: try inputItems(6), messages: [])
            let newestFirst = try await store.inputItems(responseID: "resp_1")
            #expect(newestFirst.data.compactMap(\.id) == ["m6", "m5", "m4", "m3", "m2", "m1"])
            #expect(newestFirst.firstID == "m6" && newestFirst.lastID == "m1" && !newestFirst.hasMore)
            let ascending = try await store.inputItems(responseID: "resp_1", after: "m2", limit: 2, order: .ascending)
            #expect(ascending.data.compactMap(\.id) == ["m3", "m4"] && ascending.hasMore)
            let before = try await store.inputItems(responseID: "resp_1", before: "m3", order: .ascending)
            #expect(before.data.compactMap(\.id) == ["m1", "m2"] && !before.hasMore)
            await expectError(.notSupported, mentioning: ["message.input_image.image_url"]) {
                _ = try await store.inputItems(responseID: "resp_1", include: ["message.input_image.image_url"])
            }
            await expectError(.invalidArgument, mentioning: ["before", "after"]) {
                _ = try await store.inputItems(responseID: "resp_1", after: "m1", before: "m3")
            }
            await expectError(.notFound, mentioning: ["m9", "resp_1"]) {
                _ = try await store.inputItems(responseID: "resp_1", after: "m9")
            }
            await expectError(.notFound, mentioning: ["resp_2"]) { _ = try await store.inputItems(responseID: "resp_2") }
        }
    }

    @Test("conversation messages are replaced per conversation and kept in order", arguments: backendKinds)
    func conversations(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            #expect(try await store.conversationMessages(conversationID: "conv_1") == nil)
            try await store.storeConversationMessages(conversationID: "conv_1", messages: try chatMessages("one"))
            let three = try chatMessages("a") + chatMessages("b") + chatMessages("c")
            try await store.storeConversationMessages(conversationID: "conv_1", messages: three)
            try await store.storeConversationMessages(conversationID: "conv_2", messages: try chatMessages("other"))
            #expect(try await store.conversationMessages(conversationID: "conv_1") == three)
            #expect(try await store.conversationMessages(conversationID: "conv_2") == (try chatMessages("other")))
        }
    }

    @Test("one user's responses are invisible to another, and cannot be deleted by them", arguments: backendKinds)
    func accessControl(_ kind: TestTableBackend.Kind) async throws {
        try await withStore(kind) { store, _ in
            try await User.withCurrent(Self.alice) {
                try await store.store(try response(id: "resp_a", createdAt: 1), input: try inputItems(2), messages: [])
                try await store.storeConversationMessages(conversationID: "conv_a", messages: try chatMessages("secret"))
            }
            try await User.withCurrent(Self.bob) { () async throws in
                await expectError(.notFound, mentioning: ["resp_a"]) { _ = try await store.response(id: "resp_a") }
                await expectError(.notFound, mentioning: ["resp_a"]) { _ = try await store.delete(id: "resp_a") }
                await expectError(.notFound, mentioning: ["resp_a"]) { _ = try await store.inputItems(responseID: "resp_a") }
                #expect(try await store.list().data.isEmpty)
                #expect(try await store.conversationMessages(conversationID: "conv_a") == nil)
            }
            #expect(try await User.withCurrent(Self.alice) { try await store.response(id: "resp_a").input.count } == 2)
        }
    }
}
