import StorageRefs

/// "Ours": the benchmark operations through the public ``KeyValueStore`` API, on any backend.
///
/// Every call's result is checked (counts and bounds on every call, full contents on each task's first call, and
/// written keys read back after the loop), so a store that returns nothing cannot look fast.
struct StoreLoop: Sendable {
    let workload: KVWorkload

    /// Writes the 10,000 keys in batches of 1,000 and checks that the store counts exactly them.
    func populate(_ store: any KeyValueStore) async throws {
        let keys = self.workload.keys
        let values = self.workload.values
        var start = 0
        while start < keys.count {
            let end = min(start + 1_000, keys.count)
            try await store.set((start..<end).map { KeyValueEntry(key: keys[$0], value: values[$0]) })
            start = end
        }
        let count = try await store.count()
        try BenchError.check(count == keys.count, "the store holds \(count) keys after writing \(keys.count)")
    }

    /// Runs `total` operations split over `tasks` tasks and returns the elapsed time; then reads back what the
    /// write operations wrote.
    func run(
        _ operation: KVOperation,
        on store: any KeyValueStore,
        tasks: Int,
        total: Int,
        seed: UInt64
    ) async throws -> Duration {
        let workload = self.workload
        let (elapsed, lastWrites) = try await ConcurrentRunner.run(tasks: tasks, total: total) { task, count in
            var random = BenchRandom(seed: seed, stream: task)
            return try await Self.loop(operation, store: store, workload: workload, count: count, random: &random)
        }
        for case let start? in lastWrites {
            let length = operation == .batchSet ? KVWorkload.batchSize : 1
            let keys = Array(workload.keys[start..<(start + length)])
            let found = try await store.get(keys)
            for (offset, key) in keys.enumerated() {
                try BenchError.check(
                    found[key] == workload.values[start + offset],
                    "\(operation.rawValue): key \(key) does not read back the value written"
                )
            }
        }
        return elapsed
    }

    /// One task's share of the measured loop; returns the first key index of the last write, if it wrote.
    private static func loop(
        _ operation: KVOperation,
        store: any KeyValueStore,
        workload: KVWorkload,
        count: Int,
        random: inout BenchRandom
    ) async throws -> Int? {
        var lastWrite: Int?
        switch operation {
        case .set:
            for _ in 0..<count {
                let index = random.next(below: KVWorkload.keyCount)
                try await store.set(workload.keys[index], value: workload.values[index])
                lastWrite = index
            }
        case .get:
            for iteration in 0..<count {
                let index = random.next(below: KVWorkload.keyCount)
                let value = try await store.get(workload.keys[index])
                try BenchError.check(value?.count == KVWorkload.valueSize, "get: key \(workload.keys[index]) missing")
                if iteration == 0 {
                    try BenchError.check(
                        value == workload.values[index],
                        "get: wrong value for \(workload.keys[index])"
                    )
                }
            }
        case .range:
            for iteration in 0..<count {
                let start = random.next(below: KVWorkload.rangeStarts)
                let end = start + KVWorkload.rangeLength
                let entries = try await store.entries(in: KeyRange(from: workload.keys[start], to: workload.keys[end]))
                try BenchError.check(
                    entries.count == KVWorkload.rangeLength && entries.first?.key == workload.keys[start]
                        && entries.last?.key == workload.keys[end - 1],
                    "range: [\(workload.keys[start]), \(workload.keys[end])) returned \(entries.count) entries"
                )
                if iteration == 0 {
                    try Self.checkContents(entries, from: start, workload: workload)
                }
            }
        case .prefix:
            for iteration in 0..<count {
                let index = random.next(below: workload.prefixes.count)
                let entries = try await store.entries(withPrefix: workload.prefixes[index])
                let start = index * KVWorkload.prefixLength
                try BenchError.check(
                    entries.count == KVWorkload.prefixLength && entries.first?.key == workload.keys[start]
                        && entries.last?.key == workload.keys[start + KVWorkload.prefixLength - 1],
                    "prefix: \(workload.prefixes[index]) returned \(entries.count) entries"
                )
                if iteration == 0 {
                    try Self.checkContents(entries, from: start, workload: workload)
                }
            }
        case .batchSet:
            for _ in 0..<count {
                let start = random.next(below: KVWorkload.batchStarts)
                let entries = (start..<(start + KVWorkload.batchSize)).map {
                    KeyValueEntry(key: workload.keys[$0], value: workload.values[$0])
                }
                try await store.set(entries)
                lastWrite = start
            }
        }
        return lastWrite
    }

    /// Checks that `entries` are the keys and values from index `start` on, in order, without expirations.
    private static func checkContents(_ entries: [KeyValueEntry], from start: Int, workload: KVWorkload) throws {
        for (offset, entry) in entries.enumerated() {
            try BenchError.check(
                entry.key == workload.keys[start + offset] && entry.value == workload.values[start + offset]
                    && entry.expiration == nil,
                "scan: entry \(offset) is \(entry.key), expected \(workload.keys[start + offset]) and its value"
            )
        }
    }
}
