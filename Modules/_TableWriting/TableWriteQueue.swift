import StorageRefs

/// The bounded queue of a buffered ``TableWriter``: callers wait for space, workers wait for
/// writes, and `flush` waits until every write queued before it has been handled.
actor TableWriteQueue {
    struct Item: Sendable {
        var sequence: UInt64
        var write: TableWrite
    }

    private let capacity: Int
    private let batchSize: Int
    private var items: [Item] = []
    private var head = 0
    private var nextSequence: UInt64 = 0
    private var inFlight: Set<UInt64> = []
    private var closed = false
    private var spaceWaiters: [CheckedContinuation<Void, any Error>] = []
    private var workWaiters: [CheckedContinuation<[Item]?, Never>] = []
    private var flushWaiters: [(target: UInt64, continuation: CheckedContinuation<Void, Never>)] = []

    init(capacity: Int, batchSize: Int) {
        self.capacity = capacity
        self.batchSize = batchSize
    }

    /// The number of queued writes not yet taken by a worker.
    var queuedCount: Int { items.count - head }

    /// Queues `write`, waiting while the queue is full.
    func enqueue(_ write: TableWrite) async throws {
        while !closed, queuedCount >= capacity {
            try await withCheckedThrowingContinuation { spaceWaiters.append($0) }
        }
        guard !closed else {
            throw StorageError(code: .closed, message: "the write queue is shut down; \(write.label) was not accepted")
        }
        items.append(Item(sequence: nextSequence, write: write))
        nextSequence += 1
        if !workWaiters.isEmpty {
            let waiter = workWaiters.removeFirst()
            waiter.resume(returning: takeBatch())
        }
    }

    /// The next batch for a worker, waiting while the queue is empty; `nil` once it is closed and empty.
    func take() async -> [Item]? {
        if queuedCount > 0 { return takeBatch() }
        if closed { return nil }
        return await withCheckedContinuation { workWaiters.append($0) }
    }

    private func takeBatch() -> [Item] {
        let end = min(items.count, head + batchSize)
        let batch = Array(items[head..<end])
        head = end
        if head > 4_096, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        for item in batch { inFlight.insert(item.sequence) }
        var freed = batch.count
        while freed > 0, !spaceWaiters.isEmpty {
            spaceWaiters.removeFirst().resume()
            freed -= 1
        }
        return batch
    }

    /// Marks writes as handled (committed or dead-lettered) and wakes the flushes they complete.
    func complete(_ sequences: [UInt64]) {
        for sequence in sequences { inFlight.remove(sequence) }
        let lowest = self.lowestPending
        flushWaiters.removeAll { waiter in
            guard lowest.map({ $0 > waiter.target }) ?? true else { return false }
            waiter.continuation.resume()
            return true
        }
    }

    private var lowestPending: UInt64? {
        let queued = queuedCount > 0 ? items[head].sequence : nil
        let running = inFlight.min()
        switch (queued, running) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    /// Waits until every write queued before the call has been handled.
    func flush() async {
        guard nextSequence > 0 else { return }
        let target = nextSequence - 1
        if let lowest = lowestPending, lowest <= target {
            await withCheckedContinuation { flushWaiters.append((target, $0)) }
        }
    }

    /// Stops accepting writes; workers drain what is queued, then get `nil`.
    func close() {
        guard !closed else { return }
        closed = true
        for waiter in spaceWaiters {
            waiter.resume(throwing: StorageError(code: .closed, message: "the write queue is shut down"))
        }
        spaceWaiters = []
        if queuedCount == 0 {
            for waiter in workWaiters { waiter.resume(returning: nil) }
            workWaiters = []
        }
    }
}
