import Foundation
import KVStoreRedis
import StorageRefs
import Testing

/// One connection pipelines, the pool stays within its bounds, and connection failures are clear and redacted.
@Suite(
    .enabled(if: RedisTestServer.mustRun, "\(RedisTestServer.missingMessage)"),
    .timeLimit(.minutes(1))
)
struct RedisConnectionTests {
    private func command(_ parts: String...) -> [[UInt8]] { parts.map { Array($0.utf8) } }

    private func server() throws -> RedisTestServer {
        try #require(RedisTestServer.configured, "\(RedisTestServer.missingMessage)")
    }

    @Test func pipelinedCommandsAreAnsweredInOrder() async throws {
        let server = try server()
        let connection = try await RedisConnection.connect(
            configuration: server.connectionConfiguration,
            eventLoopGroup: RedisKeyValueDriver().eventLoopGroup,
            logger: testLogger
        )
        let prefix = RedisTestServer.uniqueNamespace("pipeline")
        let count = 500
        let sets = (0..<count).map { command("SET", "\(prefix):\($0)", "value-\($0)") }
        let gets = (0..<count).map { command("GET", "\(prefix):\($0)") }
        let replies = try await connection.pipeline(sets + gets + [command("DEL")])
        #expect(replies.count == 2 * count + 1)
        #expect(replies.prefix(count).allSatisfy { $0 == .simpleString("OK") })
        #expect(Array(replies[count..<(2 * count)]) == (0..<count).map { .bulkString("value-\($0)") })
        // An error reply belongs to its own command and stops nothing.
        #expect(replies.last?.errorMessage?.contains("wrong number of arguments") == true)
        let deleted = try await connection.pipeline((0..<count).map { command("DEL", "\(prefix):\($0)") })
        #expect(deleted.allSatisfy { $0 == .integer(1) })
        await connection.close()
    }

    @Test func concurrentSendersOnOneConnectionEachGetTheirOwnReply() async throws {
        let server = try server()
        let connection = try await RedisConnection.connect(
            configuration: server.connectionConfiguration,
            eventLoopGroup: RedisKeyValueDriver().eventLoopGroup,
            logger: testLogger
        )
        try await withThrowingTaskGroup(of: (Int, RESPValue).self) { group in
            for index in 0..<200 {
                group.addTask { (index, try await connection.send(command("ECHO", "message-\(index)"))) }
            }
            for try await (index, reply) in group {
                #expect(reply == .bulkString("message-\(index)"))
            }
        }
        await connection.close()
        await #expect(throws: StorageError.self) { _ = try await connection.send(command("PING")) }
    }

    @Test func sixtyFourConcurrentTasksShareAtMostTheMaximumAndEachGetsItsOwnReply() async throws {
        let server = try server()
        let maximum = 4
        let pool = RedisConnectionPool(
            configuration: server.connectionConfiguration,
            maximumConnections: maximum,
            logger: testLogger
        )
        let used = try await withThrowingTaskGroup(of: Set<ObjectIdentifier>.self) { group in
            for task in 0..<64 {
                group.addTask {
                    var used = Set<ObjectIdentifier>()
                    for round in 0..<5 {
                        let (reply, id) = try await pool.withConnection { connection in
                            (
                                try await connection.send(command("ECHO", "\(task)-\(round)")),
                                ObjectIdentifier(connection)
                            )
                        }
                        used.insert(id)
                        #expect(reply == .bulkString("\(task)-\(round)"))
                    }
                    return used
                }
            }
            return try await group.reduce(into: Set<ObjectIdentifier>()) { $0.formUnion($1) }
        }
        #expect(pool.peakConnectionCount <= maximum)
        #expect(used.count <= maximum)
        #expect(pool.connectionCount == used.count, "every connection opened was used and is still open")
        #expect(pool.waiterCount == 0)
        #expect(pool.inFlightCount == 0, "every share was released")
        await pool.close()
        #expect(pool.connectionCount == 0)
    }

    @Test func requestsShareAConnectionInsteadOfWaitingForIt() async throws {
        let server = try server()
        let pool = RedisConnectionPool(
            configuration: server.connectionConfiguration,
            maximumConnections: 1,
            logger: testLogger
        )
        let first = try await pool.acquire()
        // The only connection is in use: the second request shares it at once instead of waiting for a release.
        let second = try await pool.acquire()
        #expect(second === first)
        #expect(pool.inFlightCount == 2)
        #expect(pool.waiterCount == 0)
        async let one = first.send(command("ECHO", "one"))
        async let two = second.send(command("ECHO", "two"))
        #expect(try await [one, two] == [.bulkString("one"), .bulkString("two")])
        pool.release(second)
        #expect(pool.inFlightCount == 1)
        #expect(pool.connectionCount == 1)
        await pool.close()
        #expect(!first.isOpen, "close() closes connections in use too")
        pool.release(first)
        await #expect(throws: StorageError.self) { _ = try await pool.acquire() }
    }

    @Test func aConnectionIsOpenedOnlyWhenEveryOpenOneIsBusyAndTheLeastBusyIsChosen() async throws {
        let server = try server()
        let pool = RedisConnectionPool(
            configuration: server.connectionConfiguration,
            maximumConnections: 3,
            logger: testLogger
        )
        let a = try await pool.acquire()
        pool.release(a)
        let b = try await pool.acquire()
        #expect(b === a, "an idle connection is reused, not a new one opened")
        #expect(pool.connectionCount == 1)
        // b is busy: the next requests open new connections, up to the maximum.
        let c = try await pool.acquire()
        let d = try await pool.acquire()
        #expect(Set([b, c, d].map(ObjectIdentifier.init)).count == 3)
        #expect(pool.connectionCount == 3)
        // At the maximum every connection is busy: the next request shares one of them.
        let e = try await pool.acquire()
        #expect([b, c, d].contains { $0 === e })
        #expect(pool.connectionCount == 3)
        #expect(pool.peakConnectionCount == 3)
        // A connection that e does not share ends its only request: it is now the least busy, so it gets the next.
        let candidates: [RedisConnection] = [c, d]
        let idle: RedisConnection = try #require(candidates.first { $0 !== e })
        pool.release(idle)
        let f = try await pool.acquire()
        #expect(f === idle)
        let shares: [RedisConnection] = [b, c, d, e, f]
        for connection in shares.filter({ $0 !== idle }) + [f] {
            pool.release(connection)
        }
        #expect(pool.inFlightCount == 0)
        for connection in [b, c, d] {
            #expect(try await connection.send(command("PING")) == .simpleString("PONG"))
        }
        await pool.close()
    }

    @Test func closingThePoolFailsWaitersOpenersAndLaterAcquires() async throws {
        // A server that accepts connections but never answers: the pool's only slot stays "being opened".
        let listener = try SilentLoopbackListener()
        let pool = RedisConnectionPool(
            configuration: RedisConnection.Configuration(
                host: "127.0.0.1",
                port: listener.port,
                connectTimeout: .seconds(20)
            ),
            maximumConnections: 1,
            logger: testLogger
        )
        let opener = Task { try await pool.acquire() }
        // Wait until the opener holds the slot, then until a second task waits behind it. The bound only keeps a
        // broken pool from hanging the run; it is generous because CI runs every suite at once on two cores.
        let deadline = ContinuousClock.now + .seconds(120)
        while pool.connectionCount == 0, ContinuousClock.now < deadline { await Task.yield() }
        #expect(pool.connectionCount == 1)
        let waiter = Task { try await pool.acquire() }
        while pool.waiterCount == 0, ContinuousClock.now < deadline { await Task.yield() }
        #expect(pool.waiterCount == 1)
        await pool.close()
        await expect(.closed, "a waiter when the pool closes") { _ = try await waiter.value }
        // Resets the connection still in the listener's backlog, so the opener's handshake fails now.
        listener.close()
        await expect(.closed, "an opener when the pool closes") { _ = try await opener.value }
        await expect(.closed, "an acquire after close") { _ = try await pool.acquire() }
        #expect(pool.waiterCount == 0)
        #expect(pool.connectionCount == 0)
    }

    @Test func aConnectionTheServerClosedIsDiscardedAndReplaced() async throws {
        let server = try server()
        let pool = RedisConnectionPool(
            configuration: server.connectionConfiguration,
            maximumConnections: 1,
            logger: testLogger
        )
        let first = try await pool.acquire()
        #expect(try await first.send(command("QUIT")) == .simpleString("OK"))
        await first.waitUntilClosed()
        #expect(pool.connectionCount == 0, "a closed connection is discarded as it closes, still in use or not")
        pool.release(first)
        #expect(pool.connectionCount == 0)
        let second = try await pool.acquire()
        #expect(second !== first)
        #expect(try await second.send(command("PING")) == .simpleString("PONG"))
        pool.release(second)
        #expect(pool.connectionCount == 1)
        await pool.close()
    }

    @Test func aWrongPasswordFailsAsConnectionFailedWithoutThePassword() async throws {
        let server = try server()
        let password = "wrong-password-\(UUID().uuidString)"
        let recorder = LogRecorder()
        var config = server.config()
        config.password = Secret(password)
        do {
            _ = try await RedisTestServer.driver.openBackend(
                named: "wrong",
                configuration: config,
                logger: recorder.logger
            )
            Issue.record("a wrong password must fail")
        } catch let error as StorageError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("authentication"), "\(error.message)")
            #expect(error.message.contains("\(server.host):\(server.port)"), "\(error.message)")
            #expect(!"\(error)".contains(password))
            #expect(!String(reflecting: error).contains(password))
        }
        #expect(!recorder.logged.isEmpty, "the failure is logged")
        #expect(recorder.logged.allSatisfy { !$0.contains(password) }, "the password is never logged")
    }

    @Test func aMissingPasswordFailsToOpenAsConnectionFailed() async throws {
        let server = try server()
        try #require(server.password != nil, "the test server requires a password")
        var config = server.config()
        config.password = nil
        do {
            _ = try await RedisTestServer.driver.openBackend(
                named: "no-password",
                configuration: config,
                logger: testLogger
            )
            Issue.record("opening without the required password must fail")
        } catch let error as StorageError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("NOAUTH"), "\(error.message)")
        }
    }
}

/// Failures that need no server: an unreachable port fails fast, clearly and without the password.
@Suite(.timeLimit(.minutes(1)))
struct RedisUnreachableServerTests {
    @Test func anUnreachableServerFailsNamingHostAndPort() async throws {
        let port = try unusedLoopbackPort()
        let config = RedisKVStoreConfig(host: "127.0.0.1", port: port, password: Secret("hunter2-never-shown"))
        let recorder = LogRecorder()
        do {
            _ = try await RedisKeyValueDriver().openBackend(
                named: "down",
                configuration: config,
                logger: recorder.logger
            )
            Issue.record("an unreachable server must fail")
        } catch let error as StorageError {
            #expect(error.code == .connectionFailed)
            #expect("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
            #expect(!String(reflecting: error).contains("hunter2"))
        }
        #expect(recorder.logged.contains { $0.hasPrefix("warning") }, "the failure is logged at warning level")
        #expect(recorder.logged.allSatisfy { !$0.contains("hunter2") })
    }
}
