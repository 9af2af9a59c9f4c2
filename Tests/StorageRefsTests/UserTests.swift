import Foundation
import StorageRefs
import Testing

struct UserTests {
    @Test(.timeLimit(.minutes(1)))
    func currentIsNilOutsideAScope() {
        #expect(User.current == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func currentIsVisibleInChildTasks() async {
        let alice = User(principal: "alice", attributes: ["roles": ["admin"]])
        let seen = await User.withCurrent(alice) { () async -> [String?] in
            async let child = User.current?.principal
            let grouped = await withTaskGroup(of: String?.self) { group in
                group.addTask { User.current?.principal }
                return await group.next() ?? nil
            }
            let unstructured = await Task { User.current?.principal }.value
            let detached = await Task.detached { User.current?.principal }.value
            return [User.current?.principal, await child, grouped, unstructured, detached]
        }
        #expect(seen == ["alice", "alice", "alice", "alice", nil])
        #expect(User.current == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func scopesNestAndRestore() async {
        let alice = User(principal: "alice")
        let bob = User(principal: "bob")
        await User.withCurrent(alice) {
            #expect(User.current == alice)
            await User.withCurrent(bob) {
                #expect(User.current == bob)
            }
            await User.withCurrent(nil) {
                #expect(User.current == nil)
            }
            #expect(User.current == alice)
            await #expect(throws: CancellationError.self) {
                try await User.withCurrent(bob) { throw CancellationError() }
            }
            #expect(User.current == alice)
        }
        #expect(User.current == nil)
    }

    @Test func codable() throws {
        let user = User(principal: "alice", attributes: ["teams": ["ml", "infra"]])
        let data = try JSONEncoder().encode(user)
        #expect(try JSONDecoder().decode(User.self, from: data) == user)
        let bare = try JSONDecoder().decode(User.self, from: Data(#"{"principal":"bob","attributes":null}"#.utf8))
        #expect(bare == User(principal: "bob"))
        let missing = try JSONDecoder().decode(User.self, from: Data(#"{"principal":"bob"}"#.utf8))
        #expect(missing.attributes.isEmpty)
    }
}
