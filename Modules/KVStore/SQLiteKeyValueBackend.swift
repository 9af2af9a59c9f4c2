import Foundation
public import StorageRefs
import _SQLiteSupport
import Synchronization

/// A `kv_sqlite` backend: one SQLite database file holding every namespace, with one writer connection and a
/// small pool of reader connections.
///
/// - WAL journal, `synchronous=NORMAL`, a busy timeout; every statement is prepared once per connection and
///   reused.
/// - Writes go through the single writer connection (an actor), so concurrent writers in this process queue
///   instead of failing with "database is locked"; writes that arrive while another commits are committed
///   together in one transaction (group commit), and each caller returns once its own write is committed.
///   Reads go round-robin to the readers, so a slow commit never blocks a `get`.
/// - `:memory:` opens a private in-memory database served by one connection.
/// - Parent directories of the file are created; a leading `~` in the path is expanded.
/// - Expired rows are invisible at once and deleted every ``Options/reclaimEvery`` writes (and by
///   ``reclaimExpired()``).
///
/// > Note: SQLite calls run on the Swift concurrency pool; each is short (microseconds), and only a write that
/// > waits for another *process* holding the database lock blocks, for at most ``Options/busyTimeout``.
public final class SQLiteKeyValueBackend: KeyValueBackend {
    /// Tuning for an SQLite key-value backend.
    public struct Options: Sendable {
        /// Reader connections for a file database (ignored for `:memory:`). Default 2.
        public var readerCount: Int = 2
        /// How long a write waits for another process's lock before failing. Default 5 s.
        public var busyTimeout: Duration = .seconds(5)
        /// The clock expiry is measured against. Default the system clock.
        public var clock: any WallClock = SystemWallClock()
        /// Delete expired rows after this many writes. Default 1024.
        public var reclaimEvery: Int = 1024

        /// Creates the default options.
        public init() {}
    }

    /// The database path as configured.
    public let path: String

    let writer: SQLiteKeyValueConnection
    /// Every write goes through this queue, which commits concurrent writes together.
    let writes: SQLiteWriteQueue
    private let readers: [SQLiteKeyValueConnection]
    private let nextReader = Atomic<Int>(0)
    private let writesSinceReclaim = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    let options: Options

    /// Opens (creating if needed) the database at `path`.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/connectionFailed`` naming the path
    ///   when the file or its directory cannot be created or opened.
    public init(path: String, options: Options = Options()) throws(StorageError) {
        self.path = path
        self.options = options
        let resolved = StoragePath.expandingTilde(path)
        let inMemory = resolved == ":memory:"
        if !inMemory {
            let directory = URL(fileURLWithPath: resolved).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StorageError(
                    code: .connectionFailed,
                    message: "cannot create the directory \(directory.path) for the SQLite database at \(path)"
                )
            }
        }
        writer = try SQLiteKeyValueConnection(
            path: resolved,
            readOnly: false,
            busyTimeout: options.busyTimeout,
            isWriter: true
        )
        writes = SQLiteWriteQueue(writer: writer)
        var readers: [SQLiteKeyValueConnection] = []
        if !inMemory {
            for _ in 0..<max(1, options.readerCount) {
                readers.append(
                    try SQLiteKeyValueConnection(
                        path: resolved,
                        readOnly: true,
                        busyTimeout: options.busyTimeout,
                        isWriter: false
                    )
                )
            }
        }
        self.readers = readers
    }

    /// A store whose keys live in `namespace` of this database.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty namespace.
    public func keyValueStore(namespace: String) async throws -> any KeyValueStore {
        try KeyValueKey.validateNamespace(namespace)
        return SQLiteKeyValueStore(backend: self, namespace: namespace)
    }

    /// Closes every connection. Stores fail with ``StorageError/Code-swift.struct/closed`` afterwards.
    public func shutdown() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await writer.close()
        for reader in readers { await reader.close() }
    }

    /// Deletes every expired row now; returns how many were deleted.
    @discardableResult
    public func reclaimExpired() async throws -> Int {
        try checkOpen()
        return try await writer.deleteExpired(now: now())
    }

    // MARK: Used by the stores

    func checkOpen() throws(StorageError) {
        if closed.load(ordering: .acquiring) {
            throw StorageError(code: .closed, message: "the SQLite key-value backend at \(path) has been shut down")
        }
    }

    func now() -> Int64 { Milliseconds.from(options.clock.now()) }

    /// The connection for the next read.
    func reader() -> SQLiteKeyValueConnection {
        guard !readers.isEmpty else { return writer }
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return readers[index % readers.count]
    }

    /// Commits `write` (with any concurrent writes) and deletes expired rows every ``Options/reclaimEvery`` keys
    /// written.
    func perform(_ write: SQLiteWriteQueue.Write) async throws {
        try await writes.perform(write)
        let total = writesSinceReclaim.wrappingAdd(write.keyCount, ordering: .relaxed).newValue
        if total >= options.reclaimEvery {
            writesSinceReclaim.store(0, ordering: .relaxed)
            _ = try await writer.deleteExpired(now: now())
        }
    }
}
