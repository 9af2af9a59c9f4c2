import Foundation
import Scheduler
import StorageRefs
import Synchronization
import Testing
import _TestBackends

/// Two scheduler processes (`stackkit-scheduler-worker`) share one PostgreSQL job table: every job runs exactly
/// once, and the jobs of a process killed mid-run are recovered by the other.
@Suite(
    .enabled(if: TestTableBackend.postgresMustRun, "\(TestTableBackend.postgresMissing)"),
    .timeLimit(.minutes(3)),
    .serialized
)
struct SchedulerMultiProcessTests {
    static let jobCount = 500

    @Test("two processes, 500 jobs: each job completes once and its handler ran once")
    func twoProcessesShareTheQueue() async throws {
        try await withQueue { backend, store in
            let first = try WorkerProcess(schema: backend.postgresSchema, owner: "worker-a", expect: Self.jobCount)
            let second = try WorkerProcess(schema: backend.postgresSchema, owner: "worker-b", expect: Self.jobCount)
            let doneA = try #require(await first.finish().last)
            let doneB = try #require(await second.finish().last)
            #expect(first.status == 0, "worker-a exited \(first.status); stderr: \(first.standardError)")
            #expect(second.status == 0, "worker-b exited \(second.status); stderr: \(second.standardError)")
            let completedA = Int(doneA.dropFirst("done ".count)) ?? -1
            let completedB = Int(doneB.dropFirst("done ".count)) ?? -1
            #expect(completedA + completedB == Self.jobCount, "\(doneA), \(doneB)")

            let jobs = try await store.jobs(type: "work", status: nil)
            #expect(jobs.count == Self.jobCount)
            #expect(jobs.allSatisfy { $0.status == .completed && $0.attempt == 1 })
            let executions = try await Self.executions(backend)
            #expect(executions.count == Self.jobCount, "one handler run per job")
            #expect(Set(executions.values.map(\.count)) == [1])
        }
    }

    @Test("a process killed mid-run loses its jobs' leases; the other process retries them; each job completes once")
    func aKilledProcessesJobsAreRecovered() async throws {
        try await withQueue { backend, store in
            // worker-a stalls after 40 handler runs (every later run waits forever), and is killed while stalled.
            let victim = try WorkerProcess(schema: backend.postgresSchema, owner: "worker-a", expect: Self.jobCount, stallAfter: 40)
            let survivor = try WorkerProcess(schema: backend.postgresSchema, owner: "worker-b", expect: Self.jobCount)
            #expect(await victim.waitForLine("stalled"), "worker-a stalls; stderr: \(victim.standardError)")
            victim.kill()
            _ = await victim.finish()
            let done = await survivor.finish()
            #expect(survivor.status == 0, "worker-b exited \(survivor.status); stderr: \(survivor.standardError)")
            #expect(done.last?.hasPrefix("done ") == true)

            let jobs = try await store.jobs(type: "work", status: nil)
            #expect(jobs.count == Self.jobCount)
            #expect(jobs.allSatisfy { $0.status == .completed }, "\(jobs.filter { $0.status != .completed }.map { ($0.id, $0.status) })")
            let recovered = jobs.filter { $0.attempt == 2 }
            #expect(!recovered.isEmpty, "the killed process held jobs")
            for job in recovered {
                #expect(job.logs.first?.message.contains("lost its worker worker-a") == true, "\(job.logs)")
                #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .scheduled, .running, .completed])
            }
            #expect(jobs.filter { $0.attempt > 2 }.isEmpty)
            // Stalled runs never got to record anything, so every job was executed exactly once.
            let executions = try await Self.executions(backend)
            #expect(executions.count == Self.jobCount)
            #expect(Set(executions.values.map(\.count)) == [1])
            #expect(recovered.allSatisfy { executions[$0.id]?.first == "worker-b" })
        }
    }

    /// A fresh schema with 500 scheduled `work` jobs and an empty executions table.
    private func withQueue(_ body: (TestTableBackend, TableJobStore) async throws -> Void) async throws {
        let backend = try await TestTableBackend.open(.postgres)
        do {
            let store = try await TableJobStore.open(store: backend.store)
            try await backend.store.createTable(
                TableSchema(
                    name: "executions",
                    columns: [
                        ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                        ColumnDefinition(name: "job_id", type: .string, isNullable: false),
                        ColumnDefinition(name: "owner", type: .string, isNullable: false),
                        ColumnDefinition(name: "attempt", type: .integer, isNullable: false),
                    ]
                )
            )
            let producer = try JobScheduler(store: store, configuration: testConfiguration(owner: "producer"), logger: quietLogger)
            try await producer.register("work", options: JobTypeOptions(retry: JobRetryPolicy(maxAttempts: 3, initialDelay: 0))) { _ in }
            for index in 0..<Self.jobCount {
                try await producer.schedule(type: "work", id: String(format: "job-%04d", index), payload: ["n": .int(Int64(index))])
            }
            try await body(backend, store)
        } catch {
            await backend.close()
            throw error
        }
        await backend.close()
    }

    /// The owners whose handler ran each job, by job id.
    private static func executions(_ backend: TestTableBackend) async throws -> [String: [String]] {
        let rows = try await backend.store.fetchPage(TableQuery(table: "executions")).rows
        return Dictionary(grouping: rows, by: { $0["job_id"]?.stringValue ?? "" }).mapValues { $0.compactMap { $0["owner"]?.stringValue } }
    }
}

/// A running `stackkit-scheduler-worker`, its stdout lines and its exit status.
final class WorkerProcess: Sendable {
    private let process: Process
    private let lines: AsyncStream<String>
    private let exit: AsyncStream<Int32>
    private let errorFile: URL
    private let exitStatus = Mutex<Int32>(-1)
    private let seen = Mutex<[String]>([])

    /// The built worker, next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("stackkit-scheduler-worker")
    }

    init(schema: String?, owner: String, expect: Int, stallAfter: Int? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable.path) else {
            throw TestFailure(description: "\(Self.executable.path) is missing: build it with `swift build --build-tests`")
        }
        var arguments = [
            "--owner", owner, "--expect", String(expect), "--executions-table", "executions",
            "--lease-milliseconds", "2000", "--heartbeat-milliseconds", "400",
        ]
        if let schema { arguments += ["--schema", schema] }
        if let stallAfter { arguments += ["--stall-after", String(stallAfter)] }
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-worker-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        let (lines, lineContinuation) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let buffer = Mutex<[UInt8]>([])
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                lineContinuation.finish()
                return
            }
            let complete = buffer.withLock { bytes -> [String] in
                bytes += data
                var lines: [String] = []
                while let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: bytes[..<newline], as: UTF8.self))
                    bytes.removeSubrange(...newline)
                }
                return lines
            }
            for line in complete { lineContinuation.yield(line) }
        }
        let (exit, exitContinuation) = AsyncStream.makeStream(of: Int32.self)
        self.exit = exit
        process.terminationHandler = { process in
            exitContinuation.yield(process.terminationStatus)
            exitContinuation.finish()
        }
        try process.run()
    }

    /// Reads stdout until `line` appears; `false` when the process ends first.
    func waitForLine(_ line: String) async -> Bool {
        for await next in lines {
            seen.withLock { $0.append(next) }
            if next == line { return true }
        }
        return false
    }

    /// Kills the process at once (SIGKILL): no shutdown, no cleanup, as a crash would.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the process to exit and returns every stdout line it printed.
    func finish() async -> [String] {
        for await next in lines { seen.withLock { $0.append(next) } }
        for await status in exit { exitStatus.withLock { $0 = status } }
        return seen.withLock { $0 }
    }

    /// The exit status, once ``finish()`` returned.
    var status: Int32 { exitStatus.withLock { $0 } }

    /// What the process wrote to stderr.
    var standardError: String {
        (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    }
}
