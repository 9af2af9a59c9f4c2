import Logging
import PostgresNIO
import StorageRefs
import Synchronization

/// Connections leased from a backend's `PostgresClient` once and lent to statement after statement.
///
/// postgres-nio's pool is expensive per lease on a busy path: every connection it takes back schedules an
/// idle-timeout and a keep-alive timer (each a few child tasks of the pool's run loop), and the next lease
/// cancels them. Measured with `stackkit-bench` on two cores, `PostgresClient.query` ran single-row statements at
/// 0.66–0.72× the rate of the same statements on bare connections, and cost about 50% more client CPU; without
/// the timers it was at 0.85–1.0×.
///
/// The cache keeps the connections it has leased in a stack of idle ones. ``withConnection(_:)`` pops one (one
/// lock), runs the body on it directly and pushes it back (one lock). Only when none is idle does it lease another
/// from the pool, up to `limit`; beyond that, callers wait in order for the next connection given back.
/// ``returnIdleConnections(idleFor:)`` hands connections nobody used for a while back to the pool, so that the
/// pool's keep-alive and idle timeout apply to them as before; the backend calls it every second.
///
/// A leased connection stays leased for as long as the task that leased it is suspended inside
/// `PostgresClient.withConnection`; the cache uses the connection only while that closure is running and resumes
/// the task (ending the lease) when it gives the connection back, so the closure's contract (do not use the
/// connection after it returns) holds.
final class PostgresConnectionCache: Sendable {
    /// A connection leased from the pool, and how to end that lease.
    private struct Held: Sendable {
        let connection: PostgresConnection
        /// Resuming it lets `PostgresClient.withConnection` return, which gives the connection back to the pool.
        let endLease: CheckedContinuation<Void, Never>
    }

    private struct Idle {
        var held: Held
        var since: ContinuousClock.Instant
    }

    private struct Waiter {
        var id: Int
        /// Resumed with a connection, with `nil` when a lease slot opened (the waiter leases one itself), or with
        /// an error.
        var continuation: CheckedContinuation<Held?, any Error>
    }

    private struct State {
        /// Leased connections that nobody uses, most recently used last.
        var idle: [Idle] = []
        /// Connections leased from the pool: idle or lent out.
        var leased = 0
        /// Callers waiting for a connection, first come first served.
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var isClosed = false
    }

    /// What a caller does next.
    private enum Next {
        case use(Held)
        case lease
        case wait
        case closed
    }

    private let client: PostgresClient
    private let limit: Int
    private let clock = ContinuousClock()
    private let state = Mutex(State())

    /// What ``withConnection(_:)`` throws after ``close()``.
    private let closedError: StorageError

    /// Creates an empty cache that leases at most `limit` connections from `client`.
    init(client: PostgresClient, limit: Int, closedError: StorageError) {
        self.client = client
        self.limit = limit
        self.closedError = closedError
    }

    /// Runs `body` on a connection of the cache; the connection goes back to the cache when `body` returns.
    ///
    /// `body` must consume every row sequence it starts before returning. A connection that is closed afterwards
    /// goes back to the pool, which replaces it.
    func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let held = try await self.acquire()
        defer { self.giveBack(held) }
        return try await body(held.connection)
    }

    /// Gives every idle connection back to the pool and fails the waiting callers; connections in use go back to
    /// the pool when their callers finish. Later calls of ``withConnection(_:)`` throw.
    func close() {
        let (idle, waiters) = self.state.withLock { state in
            state.isClosed = true
            let idle = state.idle
            let waiters = state.waiters
            state.leased -= idle.count
            state.idle = []
            state.waiters = []
            return (idle, waiters)
        }
        for entry in idle {
            entry.held.endLease.resume()
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: self.closedError)
        }
    }

    /// Gives the connections that have been idle for at least `duration` back to the pool.
    func returnIdleConnections(idleFor duration: Duration) {
        let deadline = self.clock.now - duration
        let expired = self.state.withLock { state in
            // The stack is ordered by the time each connection came back, oldest first.
            let count = state.idle.prefix { $0.since <= deadline }.count
            let expired = state.idle.prefix(count)
            state.idle.removeFirst(count)
            state.leased -= count
            return expired
        }
        for entry in expired {
            entry.held.endLease.resume()
        }
    }

    /// Returns `duration`-spaced calls of ``returnIdleConnections(idleFor:)`` until the task is cancelled.
    func returnIdleConnectionsUntilCancelled(every duration: Duration) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: duration, clock: self.clock)
            } catch {
                return
            }
            self.returnIdleConnections(idleFor: duration)
        }
    }

    private func acquire() async throws -> Held {
        while true {
            switch self.state.withLock({ self.next(&$0) }) {
            case .use(let held):
                // The server may have closed it while it was idle: the pool replaces it; take another.
                guard !held.connection.isClosed else {
                    self.giveBack(held)
                    continue
                }
                return held
            case .lease:
                return try await self.lease()
            case .closed:
                throw self.closedError
            case .wait:
                if let held = try await self.waitForConnection() {
                    return held
                }
            }
        }
    }

    /// Takes an idle connection or a lease slot; called under the lock.
    private func next(_ state: inout State) -> Next {
        if state.isClosed {
            return .closed
        }
        if let idle = state.idle.popLast() {
            return .use(idle.held)
        }
        if state.leased < self.limit {
            state.leased += 1
            return .lease
        }
        return .wait
    }

    /// Waits until a caller gives a connection back (or a slot opens: then `nil`, and the caller tries again).
    private func waitForConnection() async throws -> Held? {
        let id = self.state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Held?, any Error>) in
                let queued = self.state.withLock { state in
                    // Something may have come back since the caller looked; then it looks again.
                    if state.isClosed || !state.idle.isEmpty || state.leased < self.limit || Task.isCancelled {
                        return false
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return true
                }
                if !queued {
                    continuation.resume(returning: nil)
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Leases a connection from the pool in a task that stays inside `PostgresClient.withConnection` until the
    /// cache ends the lease; the caller has taken the slot.
    private func lease() async throws -> Held {
        do {
            try Task.checkCancellation()
            return try await withCheckedThrowingContinuation { (delivered: CheckedContinuation<Held, any Error>) in
                let client = self.client
                Task {
                    do {
                        // The closure cannot throw, so `delivered` is resumed exactly once.
                        try await client.withConnection { connection in
                            await withCheckedContinuation { (endLease: CheckedContinuation<Void, Never>) in
                                delivered.resume(returning: Held(connection: connection, endLease: endLease))
                            }
                        }
                    } catch {
                        delivered.resume(throwing: error)
                    }
                }
            }
        } catch {
            self.releaseSlot()
            throw error
        }
    }

    /// Gives up a lease slot and lets the first waiter try again.
    private func releaseSlot() {
        let waiter = self.state.withLock { state in
            state.leased -= 1
            return state.waiters.isEmpty ? nil : state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: nil)
    }

    /// Lends `held` to the first waiter, keeps it idle, or, when it is closed or the cache is, ends its lease.
    private func giveBack(_ held: Held) {
        enum Action {
            case none
            case handOver(Waiter)
            case endLease(wake: Waiter?)
        }
        let isConnectionClosed = held.connection.isClosed
        let now = self.clock.now
        let action = self.state.withLock { state -> Action in
            if isConnectionClosed || state.isClosed {
                state.leased -= 1
                return .endLease(wake: state.waiters.isEmpty ? nil : state.waiters.removeFirst())
            }
            if !state.waiters.isEmpty {
                return .handOver(state.waiters.removeFirst())
            }
            state.idle.append(Idle(held: held, since: now))
            return .none
        }
        switch action {
        case .none:
            break
        case .handOver(let waiter):
            waiter.continuation.resume(returning: held)
        case .endLease(let waiter):
            held.endLease.resume()
            waiter?.continuation.resume(returning: nil)
        }
    }
}
