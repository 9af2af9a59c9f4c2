import ArgumentParser
import Foundation
import InMemoryTracing
import KVStore
import StorageRefs
import Tracing

/// `stackkit-bench telemetry`: what tracing costs on the hottest store call, a SQLite key-value `get`.
struct TelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Tracing overhead on a SQLite key-value get: untraced, no-op tracer, in-memory tracer.",
        discussion: """
            One calling task reads 1,000 keys of 100 bytes round-robin from a
            SQLite file, through the same store three ways: untraced (the
            baseline), wrapped in TracedKeyValueStore with the no-op tracer and
            no-op metrics (what a library user pays before bootstrapping a
            backend), and with swift-distributed-tracing's in-memory tracer
            (spans recorded, cleared between runs). Interleaved --runs times;
            medians; ratio = traced / untraced gets per second.
            Target: no-op tracer >= 0.95x (<= 5% overhead).
            """
    )

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    @Option(name: .long, help: "Interleaved runs per measurement.")
    var runs = 7

    @Option(name: .long, help: "Multiplies the operation counts.")
    var scale = 1.0

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-telemetry-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = try SQLiteKeyValueBackend(path: directory.appendingPathComponent("kv.db").path)
        let store = try await backend.keyValueStore(namespace: "bench")
        let keys = (0..<1_000).map { "key-\($0)" }
        try await store.set(keys.map { KeyValueEntry(key: $0, value: Array(repeating: 7, count: 100)) })
        let noop = TracedKeyValueStore(store, namespace: "bench", tracer: NoOpTracer())
        let memoryTracer = InMemoryTracer()
        let recorded = TracedKeyValueStore(store, namespace: "bench", tracer: memoryTracer)
        let total = max(10_000, Int(200_000 * scale))

        func rate(_ target: any KeyValueStore) async throws -> Double {
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<total {
                _ = try await target.get(keys[index % keys.count])
            }
            return ConcurrentRunner.rate(total, in: clock.now - start)
        }

        var untraced: [Double] = []
        var noopRates: [Double] = []
        var memoryRates: [Double] = []
        _ = try await rate(store)  // warm the page cache and the statement cache
        for run in 0..<runs {
            untraced.append(try await rate(store))
            noopRates.append(try await rate(noop))
            memoryRates.append(try await rate(recorded))
            memoryTracer.clearAll()
            StandardError.print("run \(run + 1)/\(runs): untraced \(Int(untraced[run]))/s, no-op \(Int(noopRates[run]))/s, in-memory \(Int(memoryRates[run]))/s")
        }
        try await backend.shutdown()

        let baseline = KVMeasurement.median(untraced)
        var ratios: [(String, Double)] = []
        for (name, rates) in [("noop_tracer", noopRates), ("in_memory_tracer", memoryRates)] {
            let ours = KVMeasurement.median(rates)
            let ratio = baseline > 0 ? ours / baseline : 0
            ratios.append((name, ratio))
            let line = JSONLine([
                ("suite", .string("telemetry")), ("op", .string("sqlite_kv_get")), ("variant", .string(name)), ("n", .integer(total)),
                ("ops_per_s", .number(ours, digits: 1)), ("baseline", .number(baseline, digits: 1)), ("ratio", .number(ratio, digits: 3)),
                ("overhead_ns", .number(ours > 0 && baseline > 0 ? 1e9 / ours - 1e9 / baseline : 0, digits: 0)),
            ]).text
            ResultTable.write(json ? line : "sqlite get, \(name): \(Int(ours))/s vs untraced \(Int(baseline))/s (\(String(format: "%.3f", ratio))x, \(Int(ours > 0 && baseline > 0 ? 1e9 / ours - 1e9 / baseline : 0)) ns per call)")
        }
        let target = KVTarget(name: "noop_tracer_overhead", requirement: "SQLite KV get with the no-op tracer >= 0.95x untraced",
                              values: [("noop_tracer", ratios[0].1)], threshold: 0.95)
        StandardError.print("targets:\n  " + target.summary)
        if json {
            ResultTable.write(JSONLine([("suite", .string("telemetry-targets")), ("targets", .array([.object(target.json)]))]).text)
        }
    }
}
