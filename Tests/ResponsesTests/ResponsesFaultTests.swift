import Foundation
import Logging
import OpenAITypes
import Responses
import StorageRefs
import Synchronization
import Testing
import _TableWriting
import _TestBackends

/// Buffered writes across a PostgreSQL restart, on a server of the fault tests' own
/// (`STACKKIT_TEST_POSTGRES_FAULT_URL`, restarted with `STACKKIT_TEST_POSTGRES_FAULT_RESTART`; both from
/// `Scripts/test.sh`). Required under CI.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["STACKKIT_TEST_POSTGRES_FAULT_URL"] != nil
            || ProcessInfo.processInfo.environment["CI"] == "true",
        "STACKKIT_TEST_POSTGRES_FAULT_URL is not set: run Scripts/test.sh, which starts the fault-test PostgreSQL"
    ),
    .timeLimit(.minutes(5))
)
struct ResponsesFaultTests {
    static let total = 2_000

    /// Runs a shell command on a thread of its own (not the cooperative pool) with `posix_spawn` and
    /// `waitpid`; returns its exit status.
    static func shell(_ command: String) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                var pid: pid_t = 0
                let arguments = ["/bin/sh", "-c", command + " >/dev/null 2>&1 </dev/null"]
                var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                defer { for pointer in argv { free(pointer) } }
                let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1, errno == EINTR {}
                continuation.resume(returning: (status >> 8) & 0xFF)
            }
            thread.start()
        }
    }

    @Test("a PostgreSQL restart in the middle of a buffered load loses no write and duplicates none")
    func restartDuringBufferedLoad() async throws {
        let restart = try #require(
            ProcessInfo.processInfo.environment["STACKKIT_TEST_POSTGRES_FAULT_RESTART"],
            "STACKKIT_TEST_POSTGRES_FAULT_RESTART is not set"
        )
        func step(_ text: String) {
            if ProcessInfo.processInfo.environment["STACKKIT_TEST_DEBUG"] != nil { FileHandle.standardError.write(Data("[fault] \(text)\n".utf8)) }
        }
        step("opening")
        let backend = try await TestTableBackend.openPostgres(variable: "STACKKIT_TEST_POSTGRES_FAULT_URL")
        step("opened")
        let store = ResponsesStore(
            tables: backend.store,
            reference: ResponsesStoreReference(backend: "sql_default", tableName: "fault_responses", numWriters: 4),
            mode: .buffered,
            logger: {
                var logger = Logger(label: "fault", factory: { StreamLogHandler.standardError(label: $0) })
                logger.logLevel = ProcessInfo.processInfo.environment["STACKKIT_TEST_DEBUG"] == nil ? .critical : .trace
                return logger
            }()
        )
        let workers = Task { try await store.run() }
        let failures = Task {
            var labels: [String] = []
            for await failure in store.failures { labels.append(failure.label) }
            return labels
        }
        do {
            try await store.prepare()
            step("prepared")
            let progress = LoadProgress()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<20 {
                    group.addTask {
                        for index in 0..<(Self.total / 20) {
                            try await store.store(
                                try response(id: "resp_\(task)_\(index)", createdAt: Int64(index), padding: 100),
                                input: [],
                                messages: []
                            )
                            // The write that makes half of them acknowledged restarts the server, while the
                            // other tasks keep writing.
                            if progress.acknowledge() == Self.total / 2 {
                                progress.restartStatus.withLock { $0 = -2 }
                                step("restarting")
                                let status = try await Self.shell(restart)
                                progress.restartStatus.withLock { $0 = status }
                                step("restarted: \(status)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(progress.restartStatus.withLock { $0 } == 0, "the server was restarted mid-load")
            step("all acknowledged; flushing")
            await store.flush()
            step("flushed")
            let ids = try await backend.store.fetchPage(TableQuery(table: "fault_responses", columns: ["id"]))
                .rows.compactMap { $0["id"]?.stringValue }
            let deadLetters = try await backend.store.fetchPage(TableQuery(table: "fault_responses_dead_letters"))
                .rows.compactMap { $0["label"]?.stringValue }
            #expect(Set(ids).count == ids.count, "no response stored twice")
            #expect(ids.count == Self.total, "all \(Self.total) acknowledged writes stored: \(ids.count) rows, \(deadLetters.count) dead-lettered")
            #expect(deadLetters.isEmpty, "retries outlasted the restart: \(deadLetters.prefix(5))")
        } catch {
            await store.writer.finish()
            _ = try? await workers.value
            await backend.close()
            throw error
        }
        await store.writer.finish()
        try await workers.value
        let reported = await failures.value
        #expect(reported.isEmpty, "no failure reported: \(reported.prefix(5))")
        await backend.close()
    }
}

/// Counts acknowledged writes across the load's tasks.
final class LoadProgress: Sendable {
    private let acknowledged = Mutex(0)
    /// The restart command's exit status; -1 before it runs.
    let restartStatus = Mutex<Int32>(-1)

    /// Counts one acknowledged write and returns the new total.
    func acknowledge() -> Int {
        acknowledged.withLock { count in
            count += 1
            return count
        }
    }
}
