import ArgumentParser
import Foundation
import Logging
import SQLStore
import SQLStorePostgres
import Scheduler
import StorageRefs

/// `stackkit-bench scheduler`: no-op jobs per second and claim latency, against a hand-rolled queue on the same
/// store in the same run.
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "The job scheduler: no-op jobs/s and claim latency against a hand-rolled queue on the same store.",
        discussion: """
            Measurements (interleaved --runs times; medians; ratio = ours / baseline):
              throughput  N no-op jobs, scheduled beforehand, run by one
                          JobScheduler (8 at a time) in this process, timed
                          from run() until the last completes. Baseline:
                          8 tasks running the same jobs through the bare
                          store: memory, an actor holding an array of ids
                          and a status per id; tables, a claim
                          transaction (read one due row FOR UPDATE SKIP
                          LOCKED, mark it running) and a completing update.
              processes   postgres only: the same N jobs run by 1 or 2
                          stackkit-scheduler-worker processes (8 at a time
                          each), timed from "go" (workers connected) until
                          every worker has exited. Same baseline.
              latency     schedule() of one job until its handler starts,
                          one job at a time (median and p99 ms). Baseline:
                          the bare store's insert then claim (transaction).
            The processes measurement needs stackkit-scheduler-worker built
            next to stackkit-bench (Scripts/bench.sh scheduler builds both).
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "memory, sqlite, postgres (default all three).")
    var backend: [String] = []

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    @Option(name: .long, help: "Interleaved runs per measurement.")
    var runs = 3

    @Option(name: .long, help: "Multiplies the job counts.")
    var scale = 1.0

    func run() async throws {
        var logger = Logger(label: "stackkit-bench")
        logger.logLevel = .warning
        let names = backend.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        for name in names.isEmpty ? ["memory", "sqlite", "postgres"] : names {
            guard let target = try await SchedulerBenchTarget.open(name, logger: logger, required: !names.isEmpty) else { continue }
            do {
                let jobs = max(200, Int(Double(name == "memory" ? 20_000 : 3_000) * scale))
                try await measure(target, "throughput", jobs: jobs) { run, baseline in
                    baseline
                        ? try await target.baselineThroughput(jobs: jobs, run: run)
                        : try await target.schedulerThroughput(jobs: jobs, run: run)
                }
                if name == "postgres" {
                    for processes in [1, 2] {
                        try await measure(target, "processes_\(processes)", jobs: jobs) { run, baseline in
                            baseline
                                ? try await target.baselineThroughput(jobs: jobs, run: run)
                                : try await target.processThroughput(jobs: jobs, processes: processes, run: run)
                        }
                    }
                }
                try await measureLatency(target, samples: max(50, Int(200 * scale)))
            } catch {
                await target.close()
                throw error
            }
            await target.close()
        }
    }

    private func measure(
        _ target: SchedulerBenchTarget,
        _ op: String,
        jobs: Int,
        _ body: (_ run: Int, _ baseline: Bool) async throws -> Double
    ) async throws {
        var ours: [Double] = []
        var baseline: [Double] = []
        for run in 0..<runs {
            ours.append(try await body(run, false))
            baseline.append(try await body(run, true))
            StandardError.print("[\(target.name)] \(op) n=\(jobs) run \(run + 1)/\(runs): ours \(Int(ours[run])) jobs/s, baseline \(Int(baseline[run])) jobs/s")
        }
        let (mine, base) = (KVMeasurement.median(ours), KVMeasurement.median(baseline))
        let ratio = base > 0 ? mine / base : 0
        let text = JSONLine([
            ("suite", .string("scheduler")), ("backend", .string(target.name)), ("op", .string(op)),
            ("n", .integer(jobs)), ("jobs_per_s", .number(mine, digits: 1)), ("baseline", .number(base, digits: 1)),
            ("ratio", .number(ratio, digits: 3)),
        ]).text
        ResultTable.write(json ? text : "\(target.name) \(op) n=\(jobs): \(Int(mine)) jobs/s vs baseline \(Int(base)) jobs/s (\(String(format: "%.2f", ratio))x)")
    }

    private func measureLatency(_ target: SchedulerBenchTarget, samples: Int) async throws {
        var ours: [Double] = []
        var baseline: [Double] = []
        for run in 0..<runs {
            ours += try await target.schedulerLatencies(samples: samples, run: run)
            baseline += try await target.baselineLatencies(samples: samples, run: run)
        }
        let (mine, base) = (KVMeasurement.median(ours), KVMeasurement.median(baseline))
        let (mine99, base99) = (KVMeasurement.percentile(ours, 0.99), KVMeasurement.percentile(baseline, 0.99))
        let ratio = base > 0 ? mine / base : 0
        let text = JSONLine([
            ("suite", .string("scheduler")), ("backend", .string(target.name)), ("op", .string("latency")),
            ("n", .integer(ours.count)), ("median_ms", .number(mine, digits: 3)), ("p99_ms", .number(mine99, digits: 3)),
            ("baseline_median_ms", .number(base, digits: 3)), ("baseline_p99_ms", .number(base99, digits: 3)),
            ("ratio", .number(ratio, digits: 3)),
        ]).text
        ResultTable.write(
            json
                ? text
                : "\(target.name) latency n=\(ours.count): median \(String(format: "%.3f", mine)) ms (p99 \(String(format: "%.3f", mine99))) vs baseline \(String(format: "%.3f", base)) ms (p99 \(String(format: "%.3f", base99))) (\(String(format: "%.2f", ratio))x)"
        )
    }
}
