import Foundation
import SQLStore
import SQLStoreTesting
import StorageRefs
import Testing

/// A fresh temporary directory.
private func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-sql-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite(.timeLimit(.minutes(2)))
struct SQLiteFileTableConformanceTests {
    @Test("sqlite-file table conformance", arguments: TableStoreConformance.Case.allCases)
    func conformance(_ testCase: TableStoreConformance.Case) async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/dirs/tables.db").path
        let harness = TableStoreConformance.Harness(
            name: "sqlite-file",
            openStore: { try SQLiteTableStore(path: path) },
            closeStore: { store in await (store as? SQLiteTableStore)?.close() }
        )
        try await TableStoreConformance(harness).run(testCase)
    }
}

@Suite(.timeLimit(.minutes(2)))
struct SQLiteMemoryTableConformanceTests {
    @Test("sqlite-memory table conformance", arguments: TableStoreConformance.Case.allCases)
    func conformance(_ testCase: TableStoreConformance.Case) async throws {
        let harness = TableStoreConformance.Harness(
            name: "sqlite-memory",
            openStore: { try SQLiteTableStore(path: ":memory:") },
            closeStore: { store in await (store as? SQLiteTableStore)?.close() }
        )
        try await TableStoreConformance(harness).run(testCase)
    }
}

@Suite(.timeLimit(.minutes(3)))
struct SQLiteAccessControlConformanceTests {
    @Test("sqlite-file access-control conformance", arguments: AccessControlConformance.Case.allCases)
    func accessControl(_ testCase: AccessControlConformance.Case) async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("access.db").path
        let harness = TableStoreConformance.Harness(
            name: "sqlite-file",
            openStore: { try SQLiteTableStore(path: path) },
            closeStore: { store in await (store as? SQLiteTableStore)?.close() }
        )
        try await AccessControlConformance(harness).run(testCase)
    }
}
