package import Logging
package import NIOCore
import NIOPosix
import StorageRefs
import Synchronization

/// A bounded pool of multiplexed ``RedisConnection``s to one server.
///
/// A command never takes a connection away from other commands: each connection pipelines the commands of any
/// number of tasks, answering each with its own reply in order (see ``RedisConnection``), so the pool only chooses
/// where a command goes: the open connection with the fewest requests in flight, taking turns among equals.
///
/// Connections are opened lazily. When every open connection already has requests in flight, the next command
/// opens another, up to ``maximumConnections`` (counting those being opened); at the maximum, commands share the
/// least busy connection. ``acquire()`` waits only while no connection is open and every slot is being opened;
/// waiters are served first in, first out, each opened connection taking its share. A connection that closes (the
/// server closed it, or it failed) is discarded as soon as it closes and its slot is free for a new one.
/// ``close()`` closes every connection and fails every waiter and every later acquire with
/// ``StorageRefs/StorageError/Code-swift.struct/closed``.
package final class RedisConnectionPool: Sendable {
    /// What a waiter is handed: a connection to share, or the right to open one.
    private enum Lease: Sendable {
        case connection(RedisConnection)
        case slot
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Lease, any Error>
    }

    /// An open connection and the number of requests that are using it now.
    private struct Member {
        let connection: RedisConnection
        var inFlight: Int
    }

    private struct State {
        /// The open connections.
        var members: [Member] = []
        /// Connections being opened.
        var opening = 0
        /// The highest `count` ever reached.
        var peakCount = 0
        /// Tasks waiting for a connection; only while `members` was empty and every slot was being opened.
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        /// Where the search for the least busy connection starts, so that equally busy connections take turns.
        var nextIndex = 0
        var isClosed = false

        /// Connections open or being opened.
        var count: Int { self.members.count + self.opening }

        mutating func takeSlot() {
            self.opening += 1
            self.peakCount = max(self.peakCount, self.count)
        }

        /// The index of the open connection with the fewest requests in flight, the first from `nextIndex` on among
        /// equals; `nil` when none is open.
        func leastBusy() -> Int? {
            guard !self.members.isEmpty else { return nil }
            let start = self.nextIndex % self.members.count
            var best = start
            for offset in 1..<self.members.count where self.members[best].inFlight > 0 {
                let index = (start + offset) % self.members.count
                if self.members[index].inFlight < self.members[best].inFlight {
                    best = index
                }
            }
            return best
        }

        /// Counts one more request on the connection at `index` and returns it.
        mutating func use(_ index: Int) -> RedisConnection {
            self.members[index].inFlight += 1
            self.nextIndex = index + 1
            return self.members[index].connection
        }

        func index(of connection: RedisConnection) -> Int? {
            self.members.firstIndex { $0.connection === connection }
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

    /// The number of acquired connections not yet released, over every open connection.
    package var inFlightCount: Int {
        self.state.withLock { $0.members.reduce(0) { $0 + $1.inFlight } }
    }

    /// Runs `body` with a connection from ``acquire()`` and releases it afterwards.
    ///
    /// Other tasks may send on the same connection meanwhile; `body` must not close it or keep it after it returns.
    ///
    /// - Parameter body: The work to do with the connection.
    /// - Returns: What `body` returns.
    /// - Throws: What ``acquire()`` or `body` throws.
    package func withConnection<Result: Sendable>(
        _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await self.acquire()
        defer { self.release(connection) }
        return try await body(connection)
    }

    /// Picks a connection for one or more requests: an open connection with nothing in flight; else a new one
    /// while fewer than ``maximumConnections`` are open or being opened; else the open connection with the fewest
    /// requests in flight. Waits only when no connection is open and every slot is being opened.
    ///
    /// The connection stays shared: other tasks may be handed it too. Pair every successful call with
    /// ``release(_:)``, which ends the caller's share.
    ///
    /// - Returns: An open connection.
    /// - Throws: ``StorageRefs/StorageError`` with code `closed` after ``close()``; `connectionFailed` when a new
    ///   connection cannot be opened; `CancellationError` when the task is cancelled while waiting.
    package func acquire() async throws -> RedisConnection {
        enum Decision {
            case use(RedisConnection)
            case open
            case wait(UInt64)
            case fail(any Error)
        }
        while true {
            let decision = self.state.withLock { state -> Decision in
                if state.isClosed { return .fail(self.closedError()) }
                if let index = state.leastBusy(),
                    state.members[index].inFlight == 0 || state.count >= self.maximumConnections
                {
                    return .use(state.use(index))
                }
                if state.count < self.maximumConnections {
                    state.takeSlot()
                    return .open
                }
                state.nextWaiterID += 1
                return .wait(state.nextWaiterID)
            }
            let connection: RedisConnection
            switch decision {
            case .use(let chosen):
                connection = chosen
            case .open:
                connection = try await self.openConnection()
            case .fail(let error):
                throw error
            case .wait(let id):
                switch try await self.wait(id: id) {
                case .connection(let handed): connection = handed
                case .slot: connection = try await self.openConnection()
                }
            }
            if connection.isOpen { return connection }
            // Closed on its way to us, before the pool heard of it: discard it and choose again.
            self.discard(connection)
        }
    }

    /// Ends one share of a connection from ``acquire()``. A connection found closed is discarded and its slot
    /// freed.
    ///
    /// - Parameter connection: A connection from ``acquire()``.
    package func release(_ connection: RedisConnection) {
        guard connection.isOpen else {
            self.discard(connection)
            return
        }
        self.state.withLock { state in
            if let index = state.index(of: connection) {
                state.members[index].inFlight -= 1
            }
        }
    }

    /// Closes every connection, with requests in flight or not, and fails every waiter; later calls to
    /// ``acquire()`` fail with ``StorageRefs/StorageError/Code-swift.struct/closed``. Calling it again does nothing.
    package func close() async {
        let (connections, waiters) = self.state.withLock { state -> ([RedisConnection], [Waiter]) in
            guard !state.isClosed else { return ([], []) }
            state.isClosed = true
            let connections = state.members.map(\.connection)
            let waiters = state.waiters
            state.members = []
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

    /// Opens a connection in a slot already counted, for the caller and its share of the waiters; gives the slot
    /// back when that fails.
    private func openConnection() async throws -> RedisConnection {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(
                configuration: self.configuration,
                eventLoopGroup: self.eventLoopGroup,
                logger: self.logger
            )
        } catch {
            if self.giveBackSlot() { throw self.closedError() }
            throw error
        }
        let served = self.state.withLock { state -> [Waiter]? in
            state.opening -= 1
            if state.isClosed { return nil }
            // The waiters are shared among the connections being opened; the last one opened takes the rest.
            let share =
                state.opening == 0
                ? state.waiters.count : (state.waiters.count + state.opening) / (state.opening + 1)
            let served = Array(state.waiters.prefix(share))
            state.waiters.removeFirst(share)
            state.members.append(Member(connection: connection, inFlight: 1 + share))
            return served
        }
        guard let served else {
            await connection.close()
            throw self.closedError()
        }
        // Discard it as soon as it closes, so that no later request is sent to it.
        connection.whenClosed { [weak self] in self?.discard(connection) }
        for waiter in served {
            waiter.continuation.resume(returning: .connection(connection))
        }
        return connection
    }

    /// Releases a slot whose connection could not be opened: the next waiter gets it and tries in turn.
    ///
    /// - Returns: Whether the pool is closed.
    private func giveBackSlot() -> Bool {
        let (waiter, isClosed) = self.state.withLock { state -> (CheckedContinuation<Lease, any Error>?, Bool) in
            guard !state.isClosed, !state.waiters.isEmpty else {
                state.opening -= 1
                return (nil, state.isClosed)
            }
            return (state.waiters.removeFirst().continuation, false)
        }
        waiter?.resume(returning: .slot)
        return isClosed
    }

    /// Forgets a closed connection; its slot goes to the oldest waiter, if any. Does nothing for a connection the
    /// pool no longer holds.
    private func discard(_ connection: RedisConnection) {
        let (removed, waiter) = self.state.withLock { state -> (Bool, CheckedContinuation<Lease, any Error>?) in
            guard let index = state.index(of: connection) else { return (false, nil) }
            state.members.remove(at: index)
            guard !state.isClosed, !state.waiters.isEmpty else { return (true, nil) }
            state.takeSlot()
            return (true, state.waiters.removeFirst().continuation)
        }
        if removed {
            self.logger.debug(
                "discarded a closed Redis connection",
                metadata: ["redis.endpoint": "\(connection.endpoint)"]
            )
        }
        waiter?.resume(returning: .slot)
    }

    /// Suspends until a connection or a slot is handed over, the pool closes or the task is cancelled.
    ///
    /// The choice is made again under the lock that queues the waiter: a connection opened (or a slot freed) since
    /// `acquire()` chose to wait is used at once, so no waiter is queued after the last opening has served the queue.
    private func wait(id: UInt64) async throws -> Lease {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let outcome = self.state.withLock { state -> Result<Lease, any Error>? in
                    if state.isClosed { return .failure(self.closedError()) }
                    // Checked under the lock: a cancellation after this point finds the waiter in the queue.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let index = state.leastBusy() { return .success(.connection(state.use(index))) }
                    if state.count < self.maximumConnections {
                        state.takeSlot()
                        return .success(.slot)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome)
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
