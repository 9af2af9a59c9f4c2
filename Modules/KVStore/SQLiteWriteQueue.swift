import StorageRefs
import Synchronization

/// Group commit for an SQLite key-value backend: writes that arrive while another is being committed are
/// committed together, in one transaction, by a single caller.
///
/// A caller that finds the queue idle becomes the *flusher*: it commits its own write together with everything
/// queued meanwhile, resumes the callers whose writes were in that transaction, and, when more writes arrived
/// during the commit, hands the flusher role to the first waiting caller (so no caller keeps flushing for
/// others indefinitely). Every caller returns only after its own write is committed.
///
/// When a group transaction fails, each of its writes is retried alone, so one bad write never fails another
/// caller's write. A write whose caller was cancelled while waiting is still committed.
final class SQLiteWriteQueue: Sendable {
    /// One write, with everything needed to run it.
    enum Write: Sendable {
        case set(namespace: String, key: String, value: [UInt8], expiresAt: Int64?)
        case setMany(namespace: String, entries: [SQLiteKeyValueConnection.Row])
        case delete(namespace: String, key: String)

        /// How many keys it writes, for reclaim accounting.
        var keyCount: Int {
            if case .setMany(_, let entries) = self { return entries.count }
            return 1
        }
    }

    /// Resumed with `true` when the write was committed by another caller, `false` when the caller must take
    /// over as flusher; thrown into when the write failed.
    private typealias Waiter = CheckedContinuation<Bool, any Error>

    private struct State {
        var pending: [(write: Write, waiter: Waiter)] = []
        var isFlushing = false
    }

    private let state = Mutex(State())
    private let writer: SQLiteKeyValueConnection

    init(writer: SQLiteKeyValueConnection) {
        self.writer = writer
    }

    /// Commits `write`, alone or with concurrent writes, and returns once it is committed.
    func perform(_ write: Write) async throws {
        let isFlusher = state.withLock { state -> Bool in
            guard !state.isFlushing else { return false }
            state.isFlushing = true
            return true
        }
        if !isFlusher {
            let committedByOther = try await withCheckedThrowingContinuation { (waiter: Waiter) in
                let queued = state.withLock { state -> Bool in
                    guard state.isFlushing else {
                        state.isFlushing = true  // the flusher finished meanwhile: take over
                        return false
                    }
                    state.pending.append((write, waiter))
                    return true
                }
                if !queued { waiter.resume(returning: false) }
            }
            if committedByOther { return }
        }
        try await flush(own: write)
    }

    /// Commits `own` with every queued write, resumes their callers, then hands over or goes idle.
    private func flush(own: Write) async throws {
        let queued = state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
        let results = await writer.commit([own] + queued.map(\.write))
        for (index, item) in queued.enumerated() {
            switch results[index + 1] {
            case .success: item.waiter.resume(returning: true)
            case .failure(let error): item.waiter.resume(throwing: error)
            }
        }
        let handOff = state.withLock { state -> Waiter? in
            guard !state.pending.isEmpty else {
                state.isFlushing = false
                return nil
            }
            // Writes arrived during the commit: the first waiting caller becomes the flusher for them.
            return state.pending.removeFirst().waiter
        }
        handOff?.resume(returning: false)
        try results[0].get()
    }
}
