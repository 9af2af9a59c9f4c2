import Foundation
import KVStore
import KVStoreTesting
import StorageRefs
import Testing

/// A fresh temporary directory.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-kv-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Harness pieces for backends whose expiry follows a ManualWallClock.
func manualClockHarness(
    name: String, clock: ManualWallClock, survivesReopen: Bool,
    unreachable: KeyValueStoreConformance.Harness.Unreachable? = nil,
    open: @escaping @Sendable () async throws -> any KeyValueBackend
) -> KeyValueStoreConformance.Harness {
    KeyValueStoreConformance.Harness(
        name: name, openBackend: open, now: { clock.now() },
        advanceTime: { instant in if clock.now() <= instant { clock.set(to: instant.addingTimeInterval(0.001)) } },
        survivesReopen: survivesReopen, unreachable: unreachable)
}

@Suite(.timeLimit(.minutes(2)))
struct InMemoryConformanceTests {
    @Test("in-memory conformance", arguments: KeyValueStoreConformance.Case.allCases)
    func conformance(_ testCase: KeyValueStoreConformance.Case) async throws {
        let clock = ManualWallClock()
        let backend = InMemoryKeyValueBackend(clock: clock)
        // One backend stands for "the same storage": reopening after shutdown is not possible in memory.
        let harness = manualClockHarness(name: "in-memory", clock: clock, survivesReopen: false) { backend }
        try await KeyValueStoreConformance(harness).run(testCase)
    }
}

@Suite(.timeLimit(.minutes(2)))
struct SQLiteFileConformanceTests {
    @Test("sqlite-file conformance", arguments: KeyValueStoreConformance.Case.allCases)
    func conformance(_ testCase: KeyValueStoreConformance.Case) async throws {
        let clock = ManualWallClock()
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = {
            var options = SQLiteKeyValueBackend.Options()
            options.clock = clock
            return options
        }()
        let path = directory.appendingPathComponent("nested/dirs/kv.db").path
        let unreachable = KeyValueStoreConformance.Harness.Unreachable(
            open: { try SQLiteKeyValueBackend(path: "/dev/null/not-a-directory/kv.db", options: options) },
            mustMention: ["/dev/null/not-a-directory"], mustNotMention: [])
        let harness = manualClockHarness(name: "sqlite-file", clock: clock, survivesReopen: true, unreachable: unreachable) {
            try SQLiteKeyValueBackend(path: path, options: options)
        }
        try await KeyValueStoreConformance(harness).run(testCase)
    }
}

@Suite(.timeLimit(.minutes(2)))
struct SQLiteMemoryConformanceTests {
    @Test("sqlite-memory conformance", arguments: KeyValueStoreConformance.Case.allCases)
    func conformance(_ testCase: KeyValueStoreConformance.Case) async throws {
        let clock = ManualWallClock()
        var options = SQLiteKeyValueBackend.Options()
        options.clock = clock
        let backend = try SQLiteKeyValueBackend(path: ":memory:", options: options)
        let harness = manualClockHarness(name: "sqlite-memory", clock: clock, survivesReopen: false) { backend }
        try await KeyValueStoreConformance(harness).run(testCase)
    }
}
