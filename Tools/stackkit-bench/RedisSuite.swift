import Foundation
import KVStoreRedis
import Logging
import StorageRefs

/// The `kv_redis` backend (opened through ``RedisKeyValueDriver`` as a ``StorageDriver``) against
/// ``RedisBenchmarkRunner``, which sends the same commands through redis-benchmark.
///
/// Each of our runs uses a new namespace, whose keys and index are deleted right after the run.
struct RedisSuite: KVSuite {
    let workload: KVWorkload
    private let backendHandle: any KeyValueBackend
    private let runner: RedisBenchmarkRunner

    var backend: KVBackendKind { .redis }

    var baselineDescription: String {
        "redis-benchmark -c <tasks> -P 1 --csv against the same server, sending the store's own commands: "
            + "EVALSHA of the store's set script (set, batch_set of 100) and entries script (range of 1,000, prefix "
            + "of 100) with __rand_int__ keys, and GET"
    }

    /// Checks the tools and opens the backend through the driver.
    static func open(_ url: ServerURL, workload: KVWorkload, logger: Logger) async throws -> RedisSuite {
        let runner = RedisBenchmarkRunner(url: url, workload: workload)
        try await runner.checkTools()
        guard let database = Int(url.database.isEmpty ? "0" : url.database) else {
            throw BenchError("the Redis URL's database must be a number, not \(url.database)")
        }
        let config = RedisKVStoreConfig(
            host: url.host,
            port: url.port,
            password: url.password.map(Secret.init),
            db: database
        )
        let driver: any StorageDriver = RedisKeyValueDriver()
        let backend = try await driver.openKeyValueBackend(named: "bench", config: .kvRedis(config), logger: logger)
        return RedisSuite(workload: workload, backendHandle: backend, runner: runner)
    }

    func measureOurs(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        let namespace =
            "stackkit-bench-\(ProcessInfo.processInfo.processIdentifier)-\(operation.rawValue)-\(tasks)-\(run)"
        let store = try await self.backendHandle.keyValueStore(namespace: namespace)
        do {
            let loop = StoreLoop(workload: self.workload)
            if operation.readsData {
                try await loop.populate(store)
            }
            // Let the pool open its connections before the clock starts, as redis-benchmark does.
            _ = try await ConcurrentRunner.run(tasks: tasks, total: tasks) { _, _ in
                _ = try await store.get(self.workload.keys[0])
            }
            let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
            let elapsed = try await loop.run(operation, on: store, tasks: tasks, total: total, seed: seed)
            try await self.deleteNamespace(namespace)
            return ConcurrentRunner.rate(total, in: elapsed)
        } catch {
            try? await self.deleteNamespace(namespace)
            throw error
        }
    }

    func measureBaseline(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        try await self.runner.measure(operation, tasks: tasks, total: total)
    }

    func shutdown() async {
        do {
            try await self.runner.cleanup()
        } catch {
            StandardError.print("[redis] could not delete the baseline's keys: \(error)")
        }
        try? await self.backendHandle.shutdown()
    }

    private func deleteNamespace(_ namespace: String) async throws {
        let layout = RedisKeyLayout(namespace: namespace)
        try await self.runner.deleteNamespace(indexKey: layout.indexKey, valuePrefix: layout.valueKeyPrefix)
    }
}
