import KVStore
import StorageRefs

/// The in-memory backend against a plain dictionary behind a `Mutex` (see ``DictionaryBaseline``).
struct MemorySuite: KVSuite {
    let workload: KVWorkload

    var backend: KVBackendKind { .memory }

    var baselineDescription: String {
        "a [String: [UInt8]] behind a Mutex for set/get/batch_set, a sorted array behind a Mutex for range/prefix, "
            + "at the same task counts"
    }

    func measureOurs(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        let backend = InMemoryKeyValueBackend()
        let store = try await backend.keyValueStore(namespace: "bench")
        let loop = StoreLoop(workload: self.workload)
        if operation.readsData {
            try await loop.populate(store)
        }
        let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
        let elapsed = try await loop.run(operation, on: store, tasks: tasks, total: total, seed: seed)
        try await backend.shutdown()
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func measureBaseline(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        let baseline = DictionaryBaseline(workload: self.workload, populated: operation.readsData)
        let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
        let elapsed = try await baseline.run(operation, tasks: tasks, total: total, seed: seed)
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func shutdown() async {}
}
