package import Logging
package import NIOCore
import NIOPosix
import StorageRefs
import Synchronization

/// A bounded pool of ``RedisConnection``s to one server.
///
/// Connections are opened lazily, at most ``maximumConnections`` at a time (counting those being opened). When
/// every connection is leased, ``acquire()`` waits; waiters are served first in, first out. A connection that is
/// no longer open when it is released is discarded, and its slot goes to the next waiter (which opens a new one)
/// or back to the pool. ``close()`` closes every connection and fails every waiter and every later acquire with
/// ``StorageRefs/StorageError/Code-swift.struct/closed``.
package final class RedisConnectionPool: Sendable {
    /// What a waiter is handed: an idle connection, or the right to open one.
    private enum Lease: Sendable {
        case connection(RedisConnection)
        case slot
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Lease, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        /// Connections open or being opened, leased or idle.
        var count = 0
        /// The highest `count` ever reached.
        var peakCount = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        /// Every open connection, so that `close()` reaches the leased ones too.
        var open: [ObjectIdentifier: RedisConnection] = [:]
        var isClosed = false

        mutating func takeSlot() {
            self.count += 1
            self.peakCount = max(self.peakCount, self.count)
        }
    }

    /// The most connections open (or being opened) at once.
    package let maximumConnections: Int

    private let configuration: RedisConnection.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a pool; no connection is opened until the first ``acquire()``.
    ///
    /// - Parameters:
    ///   - configuration: How to connect.
    ///   - maximumConnections: The most connections open at once, at least 1. Default 8.
    ///   - eventLoopGroup: The event loops connections run on. Default `MultiThreadedEventLoopGroup.singleton`.
    ///   - logger: Where connections log.
    package init(
        configuration: RedisConnection.Configuration,
        maximumConnections: Int = 8,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.maximumConnections = max(1, maximumConnections)
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The number of connections open or being opened now.
    package var connectionCount: Int {
        self.state.withLock { $0.count }
    }

    /// The most connections that were ever open or being opened at once; never above ``maximumConnections``.
    package var peakConnectionCount: Int {
        self.state.withLock { $0.peakCount }
    }

    /// The number of tasks waiting in ``acquire()`` for a connection now.
    package var waiterCount: Int {
        self.state.withLock { $0.waiters.count }
    }

    /// Leases a connection, runs `body` with it and returns the connection to the pool.
    ///
    /// `body` must not keep the connection after it returns.
    ///
    /// - Parameter body: The work to do with the connection.
    /// - Returns: What `body` returns.
    /// - Throws: What ``acquire()`` or `body` throws.
    package func withConnection<Result: Sendable>(
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await self.acquire()
        do {
            let result = try await body(connection)
            self.release(connection)
            return result
        } catch {
            self.release(connection)
            throw error
        }
    }

    /// Leases a connection: an idle one, a new one while fewer than ``maximumConnections`` are open, or the next
    /// one released.
    ///
    /// Pair every successful call with ``release(_:)``.
    ///
    /// - Returns: An open connection, leased to the caller.
    /// - Throws: ``StorageRefs/StorageError`` with code `closed` after ``close()``; `connectionFailed` when a new
    ///   connection cannot be opened; `CancellationError` when the task is cancelled while waiting.
    package func acquire() async throws -> RedisConnection {
        while true {
            let connection = try await self.lease()
            if connection.isOpen { return connection }
            // Closed by the server while idle or on its way to us: discard it and try again.
            self.release(connection)
        }
    }

    private func lease() async throws -> RedisConnection {
        enum Decision {
            case use(RedisConnection)
            case open
            case wait(UInt64)
            case fail(any Error)
        }
        let decision = self.state.withLock { state -> Decision in
            if state.isClosed { return .fail(self.closedError()) }
            if let connection = state.idle.popLast() { return .use(connection) }
            if state.count < self.maximumConnections {
                state.takeSlot()
                return .open
            }
            state.nextWaiterID += 1
            return .wait(state.nextWaiterID)
        }
        switch decision {
        case .use(let connection):
            return connection
        case .open:
            return try await self.openConnection()
        case .fail(let error):
            throw error
        case .wait(let id):
            switch try await self.wait(id: id) {
            case .connection(let connection): return connection
            case .slot: return try await self.openConnection()
            }
        }
    }

    /// Returns a leased connection: to the oldest waiter, or to the idle connections. A closed connection is
    /// discarded and its slot handed on.
    ///
    /// - Parameter connection: A connection from ``acquire()``.
    package func release(_ connection: RedisConnection) {
        let isOpen = connection.isOpen
        enum Action {
            case none
            case hand(CheckedContinuation<Lease, any Error>, Lease)
            case close
        }
        let action = self.state.withLock { state -> Action in
            if state.isClosed {
                state.open[ObjectIdentifier(connection)] = nil
                return .close
            }
            if !isOpen {
                state.open[ObjectIdentifier(connection)] = nil
                state.count -= 1
                guard !state.waiters.isEmpty else { return .none }
                state.takeSlot()
                return .hand(state.waiters.removeFirst().continuation, .slot)
            }
            guard !state.waiters.isEmpty else {
                state.idle.append(connection)
                return .none
            }
            return .hand(state.waiters.removeFirst().continuation, .connection(connection))
        }
        switch action {
        case .none:
            if !isOpen {
                self.logger.debug(
                    "discarded a closed Redis connection",
                    metadata: ["redis.endpoint": "\(connection.endpoint)"]
                )
            }
        case .hand(let continuation, let lease):
            continuation.resume(returning: lease)
        case .close:
            Task { await connection.close() }
        }
    }

    /// Closes every connection, idle or leased, and fails every waiter; later calls to ``acquire()`` fail with
    /// ``StorageRefs/StorageError/Code-swift.struct/closed``. Calling it again does nothing.
    package func close() async {
        let (connections, waiters) = self.state.withLock { state -> ([RedisConnection], [Waiter]) in
            guard !state.isClosed else { return ([], []) }
            state.isClosed = true
            let connections = Array(state.open.values)
            let waiters = state.waiters
            state.open = [:]
            state.idle = []
            state.waiters = []
            return (connections, waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: self.closedError())
        }
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.close() }
            }
        }
    }

    /// Opens a connection in a slot already counted; gives the slot back when that fails.
    private func openConnection() async throws -> RedisConnection {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(
                configuration: self.configuration,
                eventLoopGroup: self.eventLoopGroup,
                logger: self.logger
            )
        } catch {
            self.giveBackSlot()
            throw error
        }
        let isClosed = self.state.withLock { state -> Bool in
            if state.isClosed { return true }
            state.open[ObjectIdentifier(connection)] = connection
            return false
        }
        if isClosed {
            await connection.close()
            throw self.closedError()
        }
        return connection
    }

    /// Releases a slot whose connection could not be opened: the next waiter gets it and tries in turn.
    private func giveBackSlot() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Lease, any Error>? in
            state.count -= 1
            guard !state.isClosed, !state.waiters.isEmpty else { return nil }
            state.takeSlot()
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: .slot)
    }

    /// Suspends until a connection or a slot is handed over, the pool closes or the task is cancelled.
    private func wait(id: UInt64) async throws -> Lease {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let failure = self.state.withLock { state -> (any Error)? in
                    if state.isClosed { return self.closedError() }
                    // Checked under the lock: a cancellation after this point finds the waiter in the queue.
                    if Task.isCancelled { return CancellationError() }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let failure {
                    continuation.resume(throwing: failure)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func closedError() -> StorageError {
        StorageError(code: .closed, message: "the Redis connection pool for \(self.configuration.endpoint) is closed")
    }
}
