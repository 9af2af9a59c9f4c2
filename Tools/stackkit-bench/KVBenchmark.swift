import Foundation
import Logging

/// Runs the key-value benchmark: for each backend, operation and task count, `runs` interleaved pairs of
/// measurements (ours, then the baseline), reporting the medians as they complete and the targets at the end.
struct KVBenchmark {
    let backends: [KVBackendKind]
    /// Whether the backends were named with `--backend` (then a missing server is an error, not a skip).
    let explicit: Bool
    let runs: Int
    let taskCounts: [Int]
    let scale: Double
    let json: Bool

    func run() async throws {
        var logger = Logger(label: "stackkit-bench")
        logger.logLevel = .warning
        let workload = KVWorkload()
        var table = ResultTable(json: self.json)
        var rows: [KVMeasurement] = []
        for backend in self.backends {
            guard let suite = try await self.makeSuite(backend, workload: workload, logger: logger) else { continue }
            StandardError.print("[\(backend.rawValue)] baseline: \(suite.baselineDescription)")
            do {
                for operation in KVOperation.allCases {
                    for tasks in self.taskCounts {
                        let row = try await self.measure(suite, operation, tasks: tasks)
                        table.print(row)
                        rows.append(row)
                    }
                }
            } catch {
                await suite.shutdown()
                throw error
            }
            await suite.shutdown()
        }
        let targets = KVTarget.evaluate(rows)
        StandardError.print("targets:")
        for target in targets {
            StandardError.print("  " + target.summary)
        }
        if self.json {
            let measured = targets.compactMap(\.met)
            ResultTable.write(
                JSONLine([
                    ("suite", .string("kv-targets")),
                    ("all_met", measured.isEmpty ? .null : .bool(!measured.contains(false))),
                    ("targets", .array(targets.map { .object($0.json) })),
                ]).text
            )
        }
    }

    /// `runs` interleaved pairs at one setting, reduced to medians.
    private func measure(_ suite: any KVSuite, _ operation: KVOperation, tasks: Int) async throws -> KVMeasurement {
        let total = max(tasks, Int((Double(suite.backend.baseCount(operation)) * self.scale).rounded()))
        var ours: [Double] = []
        var baseline: [Double] = []
        for run in 0..<self.runs {
            ours.append(try await suite.measureOurs(operation, tasks: tasks, total: total, run: run))
            baseline.append(try await suite.measureBaseline(operation, tasks: tasks, total: total, run: run))
            StandardError.print(
                "[\(suite.backend.rawValue)] \(operation.rawValue) tasks=\(tasks) n=\(total) "
                    + "run \(run + 1)/\(self.runs): "
                    + "ours \(Self.rate(ours[run]))/s, baseline \(Self.rate(baseline[run]))/s"
            )
        }
        return KVMeasurement(
            backend: suite.backend,
            operation: operation,
            tasks: tasks,
            count: total,
            opsPerSecond: KVMeasurement.median(ours),
            baseline: KVMeasurement.median(baseline)
        )
    }

    /// The suite of `backend`, or `nil` (after a note on stderr) when its server is not configured and it was not
    /// named explicitly.
    private func makeSuite(
        _ backend: KVBackendKind,
        workload: KVWorkload,
        logger: Logger
    ) async throws -> (any KVSuite)? {
        switch backend {
        case .memory:
            return MemorySuite(workload: workload)
        case .sqlite:
            return try SQLiteSuite(workload: workload, logger: logger)
        case .postgres:
            let variables = ["STACKKIT_BENCH_POSTGRES_URL", "STACKKIT_TEST_POSTGRES_URL"]
            guard let (variable, value) = ServerURL.fromEnvironment(variables) else {
                return try self.skip(backend, variables)
            }
            let url = try ServerURL(value, schemes: ["postgres", "postgresql"], defaultPort: 5432, variable: variable)
            StandardError.print("[postgres] server \(url.location) from \(variable)")
            return try await PostgresSuite.open(url, workload: workload, logger: logger)
        case .redis:
            let variables = ["STACKKIT_BENCH_REDIS_URL", "STACKKIT_TEST_REDIS_URL"]
            guard let (variable, value) = ServerURL.fromEnvironment(variables) else {
                return try self.skip(backend, variables)
            }
            let url = try ServerURL(value, schemes: ["redis"], defaultPort: 6379, variable: variable)
            StandardError.print("[redis] server \(url.location) from \(variable)")
            return try await RedisSuite.open(url, workload: workload, logger: logger)
        }
    }

    private func skip(_ backend: KVBackendKind, _ variables: [String]) throws -> (any KVSuite)? {
        let message = "\(backend.rawValue): no server configured (set \(variables.joined(separator: " or ")))"
        if self.explicit {
            throw BenchError(message)
        }
        StandardError.print("skipping \(message)")
        return nil
    }

    private static func rate(_ value: Double) -> String {
        value >= 10_000 ? String(format: "%.0fk", value / 1_000) : String(format: "%.0f", value)
    }
}
