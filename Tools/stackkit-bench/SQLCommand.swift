import ArgumentParser
import Foundation
import Logging

/// `stackkit-bench sql`: the table stores (and the access-control decorator) against raw SQL baselines.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Table stores (sqlite, postgres) and the access decorator against raw SQL in the same run.",
        discussion: """
            Rows: id, created_at (four rows per value), model, and a 2 KB
            chat-completion JSON body. Operations, one task:
              insert        one row per insert(into:rows:) call (autocommit)
              batch_insert  100 rows per call (one transaction); rows/s
              get           fetchOne by primary key of a random row
              page          a keyset page of 50 (created_at DESC, id DESC)
                            after a random row of a 100,000-row table
              page_acl      the same page through AuthorizedTableStore
                            (default policy) as a user who may read every
                            row; the rows belong to 8 owners
            Baselines, interleaved with ours (ours, baseline, …) --runs
            times, medians reported with ratio = ours / baseline:
              sqlite    the store's SQL through the raw SQLite C API, same
                        DDL and pragmas, statements prepared once, on a
                        dedicated thread.
              postgres  the store's SQL on one bare postgres-nio connection;
                        a batch is one multi-row INSERT.
            The baselines read JSON as text; ours parses it into JSONValue.
            page_acl's baseline is the raw (unfiltered) page.

            Targets, checked at the end: insert and page >= 20x llama-stack's
            figures on this machine (576 inserts/s and 24 ms per page on
            SQLite; 902 inserts/s and 4.8 ms per page on PostgreSQL);
            batch_insert >= 0.5x raw; page_acl >= page / 1.5.

            PostgreSQL from STACKKIT_BENCH_POSTGRES_URL or
            STACKKIT_TEST_POSTGRES_URL; Scripts/bench.sh starts one.
            """
    )

    @Option(
        name: .long,
        parsing: .upToNextOption,
        help: "Backends to measure: sqlite, postgres (repeat or separate with commas; default both)."
    )
    var backend: [String] = []

    @Flag(name: .long, help: "Print one JSON object per result line instead of a table.")
    var json = false

    @Option(name: .long, help: "Interleaved runs of ours and the baseline per measurement; medians are reported.")
    var runs = 5

    @Option(name: .long, help: "Multiplies every operation count and the page table's rows (e.g. 0.1).")
    var scale = 1.0

    private func namedBackends() throws -> [String] {
        var result: [String] = []
        for name in self.backend.flatMap({ $0.split(separator: ",") }) {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard ["sqlite", "postgres"].contains(trimmed) else {
                throw ValidationError("unknown backend '\(name)'; choose from sqlite, postgres")
            }
            if !result.contains(trimmed) { result.append(trimmed) }
        }
        return result
    }

    func validate() throws {
        _ = try self.namedBackends()
        guard (1...100).contains(self.runs) else { throw ValidationError("--runs must be from 1 to 100") }
        guard self.scale > 0, self.scale <= 10 else { throw ValidationError("--scale must be above 0 and at most 10") }
    }

    func run() async throws {
        let named = try self.namedBackends()
        do {
            try await self.measure(backends: named.isEmpty ? ["sqlite", "postgres"] : named, explicit: !named.isEmpty)
        } catch {
            StandardError.print("stackkit-bench: error: \(error)")
            throw ExitCode.failure
        }
    }

    private func measure(backends: [String], explicit: Bool) async throws {
        var logger = Logger(label: "stackkit-bench")
        logger.logLevel = .warning
        let workload = SQLWorkload(scale: self.scale)
        var rows: [SQLMeasurement] = []
        var printedHeader = false
        for backend in backends {
            let suite: any SQLBenchSuite
            if backend == "sqlite" {
                suite = try await SQLiteTableSuite.open(workload: workload)
            } else {
                let variables = ["STACKKIT_BENCH_POSTGRES_URL", "STACKKIT_TEST_POSTGRES_URL"]
                guard let (variable, value) = ServerURL.fromEnvironment(variables) else {
                    let message = "postgres: no server configured (set \(variables.joined(separator: " or ")))"
                    if explicit { throw BenchError(message) }
                    StandardError.print("skipping \(message)")
                    continue
                }
                let url = try ServerURL(value, schemes: ["postgres", "postgresql"], defaultPort: 5432, variable: variable)
                StandardError.print("[postgres] server \(url.location) from \(variable)")
                suite = try await PostgresTableSuite.open(url, workload: workload, logger: logger)
            }
            StandardError.print("[\(backend)] baseline: \(suite.baselineDescription)")
            do {
                for operation in SQLOperation.allCases {
                    let total = max(SQLWorkload.batchSize, Int((Double(operation.baseCount) * self.scale).rounded()))
                    var ours: [Double] = []
                    var baseline: [Double] = []
                    for run in 0..<self.runs {
                        ours.append(try await suite.measureOurs(operation, total: total, run: run))
                        baseline.append(try await suite.measureBaseline(operation, total: total, run: run))
                        StandardError.print(
                            "[\(backend)] \(operation.rawValue) n=\(total) run \(run + 1)/\(self.runs): "
                                + "ours \(Int(ours[run]))/s, baseline \(Int(baseline[run]))/s"
                        )
                    }
                    let row = SQLMeasurement(
                        backend: backend,
                        operation: operation,
                        count: total,
                        opsPerSecond: KVMeasurement.median(ours),
                        baseline: KVMeasurement.median(baseline)
                    )
                    rows.append(row)
                    if self.json {
                        ResultTable.write(row.jsonLine)
                    } else {
                        if !printedHeader {
                            printedHeader = true
                            ResultTable.write("backend   op              n        ops/s     baseline    ratio   ms/op")
                        }
                        ResultTable.write(
                            String(
                                format: "%-9@ %-12@ %7d %12.1f %12.1f %8.3f %7.3f",
                                backend as NSString,
                                operation.rawValue as NSString,
                                total,
                                row.opsPerSecond,
                                row.baseline,
                                row.ratio,
                                row.opsPerSecond > 0 ? 1_000 / row.opsPerSecond : 0
                            )
                        )
                    }
                }
            } catch {
                await suite.shutdown()
                throw error
            }
            await suite.shutdown()
        }
        let targets = SQLTargets.evaluate(rows)
        StandardError.print("targets:")
        for target in targets { StandardError.print("  " + target.summary) }
        if self.json {
            let measured = targets.compactMap(\.met)
            ResultTable.write(
                JSONLine([
                    ("suite", .string("sql-targets")),
                    ("all_met", measured.isEmpty ? .null : .bool(!measured.contains(false))),
                    ("targets", .array(targets.map { .object($0.json) })),
                ]).text
            )
        }
    }
}
