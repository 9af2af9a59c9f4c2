import Synchronization

/// The in-memory baseline: the least a thread-safe key-value map can do.
///
/// `set`, `get` and `batch_set` use a `[String: [UInt8]]` behind a `Mutex` (one lock per call; a batch is one lock
/// for its 100 keys). `range` and `prefix` binary-search a sorted array of (key, value) pairs behind a `Mutex` and
/// copy the matching pairs out. Writes do not keep a sorted copy up to date, which our store must do; that cost is
/// part of what the ratio shows. Runs at the same task counts as ours.
final class DictionaryBaseline: Sendable {
    private typealias Pair = (key: String, value: [UInt8])

    private let map: Mutex<[String: [UInt8]]>
    private let sorted: Mutex<[Pair]>
    private let workload: KVWorkload

    /// A fresh baseline, holding the 10,000 keys when `populated`.
    init(workload: KVWorkload, populated: Bool) {
        self.workload = workload
        var map: [String: [UInt8]] = [:]
        var sorted: [Pair] = []
        if populated {
            for (key, value) in zip(workload.keys, workload.values) {
                map[key] = value
                sorted.append((key, value))
            }
            sorted.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        self.map = Mutex(map)
        self.sorted = Mutex(sorted)
    }

    /// Runs `total` operations over `tasks` tasks and returns the elapsed time, checking every result.
    func run(_ operation: KVOperation, tasks: Int, total: Int, seed: UInt64) async throws -> Duration {
        let (elapsed, lastWrites) = try await ConcurrentRunner.run(tasks: tasks, total: total) { task, count in
            var random = BenchRandom(seed: seed, stream: task)
            return try self.loop(operation, count: count, random: &random)
        }
        let workload = self.workload
        for case let start? in lastWrites {
            let value = self.map.withLock { $0[workload.keys[start]] }
            try BenchError.check(value == workload.values[start], "baseline \(operation.rawValue): lost a write")
        }
        return elapsed
    }

    private func loop(_ operation: KVOperation, count: Int, random: inout BenchRandom) throws -> Int? {
        let workload = self.workload
        var lastWrite: Int?
        switch operation {
        case .set:
            for _ in 0..<count {
                let index = random.next(below: KVWorkload.keyCount)
                self.map.withLock { $0[workload.keys[index]] = workload.values[index] }
                lastWrite = index
            }
        case .get:
            for iteration in 0..<count {
                let index = random.next(below: KVWorkload.keyCount)
                let value = self.map.withLock { $0[workload.keys[index]] }
                try BenchError.check(value?.count == KVWorkload.valueSize, "baseline get: key missing")
                if iteration == 0 {
                    try BenchError.check(value == workload.values[index], "baseline get: wrong value")
                }
            }
        case .range:
            for _ in 0..<count {
                let start = random.next(below: KVWorkload.rangeStarts)
                let pairs = self.scan(from: workload.keys[start], to: workload.keys[start + KVWorkload.rangeLength])
                try BenchError.check(
                    pairs.count == KVWorkload.rangeLength && pairs.first?.key == workload.keys[start],
                    "baseline range returned \(pairs.count) pairs"
                )
            }
        case .prefix:
            for _ in 0..<count {
                let index = random.next(below: workload.prefixes.count)
                let pairs = self.scan(from: workload.prefixes[index], to: workload.prefixUpperBounds[index])
                try BenchError.check(
                    pairs.count == KVWorkload.prefixLength
                        && pairs.first?.key == workload.keys[index * KVWorkload.prefixLength],
                    "baseline prefix returned \(pairs.count) pairs"
                )
            }
        case .batchSet:
            for _ in 0..<count {
                let start = random.next(below: KVWorkload.batchStarts)
                self.map.withLock { map in
                    for index in start..<(start + KVWorkload.batchSize) {
                        map[workload.keys[index]] = workload.values[index]
                    }
                }
                lastWrite = start
            }
        }
        return lastWrite
    }

    /// The pairs with `lower <= key < upper` by UTF-8 bytes, copied out of the sorted array.
    private func scan(from lower: String, to upper: String) -> [Pair] {
        self.sorted.withLock { sorted in
            var low = 0
            var high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle].key.utf8.lexicographicallyPrecedes(lower.utf8) {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            var result: [Pair] = []
            while low < sorted.count, sorted[low].key.utf8.lexicographicallyPrecedes(upper.utf8) {
                result.append(sorted[low])
                low += 1
            }
            return result
        }
    }
}
