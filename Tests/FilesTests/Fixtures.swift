import Files
import Foundation
import Logging
import StorageRefs
import _TestBackends

/// The backends the store suites run on: SQLite always, PostgreSQL when configured or under CI (where a missing
/// server fails the suite instead of skipping it).
let backendKinds: [TestTableBackend.Kind] = TestTableBackend.postgresMustRun ? [.sqlite, .postgres] : [.sqlite]

let quietLogger = Logger(label: "stackkit.tests.files", factory: { _ in SwiftLogNoOpLogHandler() })

/// A file store on a fresh backend and a fresh directory, with a manual clock; everything is removed afterwards.
struct FileStoreFixture {
    let backend: TestTableBackend
    /// The table store the file store uses: the backend's, or the `store:` wrapper around it.
    let tables: any TableStore
    let directory: URL
    let clock: ManualWallClock
    let files: FileStore

    static func with<Result>(
        _ kind: TestTableBackend.Kind,
        maximumFileSize: Int = 1 << 20,
        store wrap: (any TableStore) -> any TableStore = { $0 },
        _ body: (FileStoreFixture) async throws -> Result
    ) async throws -> Result {
        let backend = try await TestTableBackend.open(kind)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-files-\(UUID().uuidString)")
        let directory = root.appendingPathComponent("store")
        let clock = ManualWallClock()
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let tables = wrap(backend.store)
            let files = try await FileStore.open(
                store: tables,
                configuration: .init(directory: directory.path, maximumFileSize: maximumFileSize, orphanGracePeriod: 0),
                clock: clock,
                logger: quietLogger
            )
            let result = try await body(FileStoreFixture(backend: backend, tables: tables, directory: directory, clock: clock, files: files))
            await backend.close()
            return result
        } catch {
            await backend.close()
            throw error
        }
    }

    /// The names in the store's directory.
    func namesOnDisk() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
    }
}
