import Foundation
import Glibc
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
            // worker-a stalls after 40 handler runs (every later run waits forever) and says so once those 40 are
            // stored as completed; it is killed then, holding only jobs whose handlers did nothing. (A process killed
            // between a handler's side effect and storing its result would see that job run again elsewhere: the
            // scheduler completes each job once, and runs handlers at least once.)
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
            // Stalled runs recorded nothing, so every job was executed exactly once.
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
///
/// Spawned with `posix_spawn` and reaped with `waitpid` on a thread of its own (blocking reads and waits never run
/// on the cooperative pool). Foundation's `Process` is not used: under load its termination handler sometimes never
/// fired here, leaving a test waiting for a process that had long exited.
final class WorkerProcess: Sendable {
    let pid: pid_t
    private let lines: AsyncStream<String>
    private let exit: AsyncStream<Int32>
    private let errorPath: String
    private let exitStatus = Mutex<Int32>(-1)
    private let seen = Mutex<[String]>([])

    /// The built worker, next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("stackkit-scheduler-worker")
    }

    init(schema: String?, owner: String, expect: Int, stallAfter: Int? = nil) throws {
        let path = Self.executable.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure(description: "\(path) is missing: build it with `swift build --build-tests`")
        }
        var arguments = [
            path, "--owner", owner, "--expect", String(expect), "--executions-table", "executions",
            "--lease-milliseconds", "2000", "--heartbeat-milliseconds", "400",
        ]
        if let schema { arguments += ["--schema", schema] }
        if let stallAfter { arguments += ["--stall-after", String(stallAfter)] }
        errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-worker-\(UUID().uuidString).err").path

        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TestFailure(description: "pipe failed: errno \(errno)") }
        // Close-on-exec, so that no other child inherits the ends (an inherited write end would delay EOF).
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw TestFailure(description: "posix_spawn \(path) failed: \(spawned)")
        }
        pid = child
        let spawnedPID = child
        let readEnd = fds[0]
        let (lines, lineContinuation) = AsyncStream.makeStream(of: String.self)
        let (exit, exitContinuation) = AsyncStream.makeStream(of: Int32.self)
        self.lines = lines
        self.exit = exit
        Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending += buffer[0..<count]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lineContinuation.yield(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            close(readEnd)
            lineContinuation.finish()
            var status: Int32 = 0
            while waitpid(spawnedPID, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS, spelled out (C macros are not imported): a signal's number is negated.
            exitContinuation.yield((status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f))
            exitContinuation.finish()
        }.start()
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
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits for the process to exit and returns every stdout line it printed.
    func finish() async -> [String] {
        for await next in lines { seen.withLock { $0.append(next) } }
        for await status in exit { exitStatus.withLock { $0 = status } }
        return seen.withLock { $0 }
    }

    /// The exit status (negative: killed by that signal), once ``finish()`` returned.
    var status: Int32 { exitStatus.withLock { $0 } }

    /// What the process wrote to stderr.
    var standardError: String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }
}
