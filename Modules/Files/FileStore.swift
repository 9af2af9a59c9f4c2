public import Foundation
public import Logging
public import StorageRefs
import _Instrumentation
public import CoreMetrics
public import Tracing

/// An OpenAI-Files-style store: bytes in files under a directory, metadata in a table of a ``StorageRefs/TableStore``
/// (SQLite or PostgreSQL).
///
/// - **Upload** writes the bytes atomically (temporary file, `fsync`, `rename`) and then the metadata row; when the row
///   cannot be written the bytes are removed, so a failed upload leaves nothing behind (when the insert's error came
///   after its commit, the upload succeeds; when the outcome cannot be read, the bytes stay for the orphan sweep). Files on disk are named by
///   their generated id only: a filename is metadata and never reaches the file system.
/// - **Expiry**: a file uploaded with ``FileExpiration`` is invisible once its time has passed (retrieve, content and
///   delete answer ``FileStoreError/Code-swift.struct/notFound``; lists skip it) and ``reclaimExpired()`` deletes
///   its row and bytes. Time comes from the injected ``StorageRefs/WallClock``.
/// - **Crashes**: a crash can leave a temporary file, or bytes whose row was never written; ``open(store:configuration:clock:logger:)``
///   removes both when they are older than ``Configuration/orphanGracePeriod`` (so an upload in flight in another
///   process is never touched).
/// - **Lists** page by keyset over `(created_at, id)`, so files sharing a creation second are neither skipped nor
///   repeated.
public final class FileStore: Sendable {
    /// Where and how a store keeps its files.
    public struct Configuration: Sendable {
        /// The directory for the bytes; created when missing. A leading `~` is expanded.
        public var directory: String
        /// The metadata table. Default `openai_files`.
        public var table: String
        /// The largest upload in bytes. Default 512 MiB.
        public var maximumFileSize: Int
        /// How old a temporary or row-less file must be before ``FileStore/open(store:configuration:clock:logger:)``
        /// removes it. Default 10 minutes.
        public var orphanGracePeriod: TimeInterval

        /// Creates a configuration.
        public init(directory: String, table: String = "openai_files", maximumFileSize: Int = 512 << 20, orphanGracePeriod: TimeInterval = 600) {
            self.directory = directory
            self.table = table
            self.maximumFileSize = maximumFileSize
            self.orphanGracePeriod = orphanGracePeriod
        }
    }

    /// The configuration the store was opened with.
    public let configuration: Configuration
    private let store: any TableStore
    private let directory: FileDirectory
    private let clock: any WallClock
    private let logger: Logger

    /// The most files one list call returns.
    public static let maximumListLimit = 10_000

    private let instrumentation: OperationInstrumentation

    private init(store: any TableStore, configuration: Configuration, clock: any WallClock, logger: Logger, instrumentation: OperationInstrumentation) {
        self.instrumentation = instrumentation
        self.store = store
        self.configuration = configuration
        self.directory = FileDirectory(path: StoragePath.expandingTilde(configuration.directory))
        self.clock = clock
        self.logger = logger
    }

    /// The metadata table's schema.
    public static func schema(table: String) -> TableSchema {
        TableSchema(
            name: table,
            columns: [
                ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                ColumnDefinition(name: "bytes", type: .integer, isNullable: false),
                ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "expires_at", type: .integer),
                ColumnDefinition(name: "filename", type: .text, isNullable: false),
                ColumnDefinition(name: "purpose", type: .string, isNullable: false),
            ],
            indexes: [IndexDefinition(columns: ["created_at", "id"]), IndexDefinition(columns: ["expires_at"])]
        )
    }

    /// Opens the store: creates the directory and table when missing and removes orphans left by crashes.
    ///
    /// - Throws: ``FileStoreError`` with code ``FileStoreError/Code-swift.struct/invalidArgument`` for a bad
    ///   configuration, ``FileStoreError/Code-swift.struct/storageFailure`` when the directory cannot be created or
    ///   listed; or the table store's error.
    public static func open(
        store: any TableStore,
        configuration: Configuration,
        clock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "stackkit.files"),
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) async throws -> FileStore {
        guard !configuration.directory.isEmpty else { throw FileStoreError.invalid("directory", "empty") }
        guard configuration.maximumFileSize > 0 else {
            throw FileStoreError.invalid("maximumFileSize", "\(configuration.maximumFileSize) must be positive")
        }
        let instrumentation = OperationInstrumentation(
            component: "FileStore",
            operations: ["upload", "retrieve", "content", "list", "delete", "reclaimExpired"],
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        let files = FileStore(store: store, configuration: configuration, clock: clock, logger: logger, instrumentation: instrumentation)
        try await files.directory.create()
        try await store.createTable(schema(table: configuration.table))
        try await files.removeOrphans()
        return files
    }

    // MARK: Upload

    /// Stores `bytes` as a new file.
    ///
    /// - Parameters:
    ///   - bytes: The content; at most ``Configuration/maximumFileSize`` bytes.
    ///   - filename: The name to report; 1…1,024 UTF-8 bytes without NUL. Stored as given, never used as a path.
    ///   - purpose: What the file is for.
    ///   - expiresAfter: When the file expires, or `nil` (the default) for never.
    /// - Returns: The file's metadata.
    /// - Throws: ``FileStoreError``: ``FileStoreError/Code-swift.struct/tooLarge`` naming the size and the limit,
    ///   ``FileStoreError/Code-swift.struct/invalidArgument`` naming `filename` or an `expires_after` field,
    ///   ``FileStoreError/Code-swift.struct/storageFailure`` for a disk error; or the table store's error. In every
    ///   case nothing is stored.
    public func upload(_ bytes: Data, filename: String, purpose: FilePurpose, expiresAfter: FileExpiration? = nil) async throws -> FileObject {
        return try await instrumentation.run("upload", attributes: { $0["stackkit.table"] = configuration.table; $0["stackkit.bytes"] = bytes.count }) { _ in
            guard bytes.count <= configuration.maximumFileSize else {
                throw FileStoreError(
                    code: .tooLarge,
                    message: "file: \(bytes.count) bytes exceed the limit of \(configuration.maximumFileSize) bytes",
                    field: "file"
                )
            }
            guard !filename.isEmpty else { throw FileStoreError.invalid("filename", "empty") }
            guard filename.utf8.count <= 1_024 else {
                throw FileStoreError.invalid("filename", "\(filename.utf8.count) bytes; at most 1024")
            }
            guard !filename.utf8.contains(0) else { throw FileStoreError.invalid("filename", "contains a NUL character") }
            try expiresAfter?.validate()

            let id = "file-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let createdAt = Int64(clock.now().timeIntervalSince1970.rounded(.down))
            let file = FileObject(
                id: id,
                bytes: bytes.count,
                createdAt: createdAt,
                expiresAt: expiresAfter.map { createdAt + Int64($0.seconds) },
                filename: filename,
                purpose: purpose
            )
            try await directory.write(id: id, bytes: bytes)
            do {
                try await store.insert(into: configuration.table, rows: [Self.row(file)])
            } catch {
                // The insert may have committed before its error reached us (a connection lost after COMMIT): look.
                // Present: the upload succeeded. Absent: remove the bytes. Unknown: leave them for the orphan sweep,
                // so there is never a row without its bytes.
                let lookup: Result<TableRow?, any Error>
                do {
                    lookup = .success(try await store.fetchOne(from: configuration.table, where: .equal("id", .string(id))))
                } catch let lookupError {
                    lookup = .failure(lookupError)
                }
                if case .success(.some) = lookup { return file }
                if case .success(.none) = lookup {
                    do {
                        try await directory.remove(id)
                    } catch let removal {
                        logger.warning("cannot remove the bytes of a failed upload; the next open removes them", metadata: ["file": "\(id)", "error": "\(removal)"])
                    }
                }
                throw error
            }
            return file
        }
    }

    // MARK: Reading

    /// The metadata of a visible file.
    ///
    /// - Throws: ``FileStoreError`` with code ``FileStoreError/Code-swift.struct/notFound`` naming the id when no
    ///   visible file has it.
    public func retrieve(id: String) async throws -> FileObject {
        return try await instrumentation.run("retrieve", attributes: { $0["stackkit.table"] = configuration.table }) { _ in
            guard let row = try await store.fetchOne(from: configuration.table, where: visible(.equal("id", .string(id)))) else {
                throw FileStoreError.notFound(id: id)
            }
            return try Self.file(from: row)
        }
    }

    /// The bytes of a visible file.
    ///
    /// - Throws: ``FileStoreError``: ``FileStoreError/Code-swift.struct/notFound`` as ``retrieve(id:)``;
    ///   ``FileStoreError/Code-swift.struct/corruptRecord`` when the row exists but its bytes are gone.
    public func content(id: String) async throws -> Data {
        return try await instrumentation.run("content", attributes: { $0["stackkit.table"] = configuration.table }) { _ in
            let file = try await retrieve(id: id)
            return try await directory.read(id: file.id)
        }
    }

    /// One page of visible files.
    ///
    /// - Parameters:
    ///   - after: The id of the last file of the previous page, or `nil` (the default) for the first page.
    ///   - limit: Files per page, 1…10,000 (default 10,000).
    ///   - order: By creation time (then id); newest first by default.
    ///   - purpose: Only files with this purpose, or `nil` (the default) for all.
    /// - Throws: ``FileStoreError``: ``FileStoreError/Code-swift.struct/invalidArgument`` naming `limit`,
    ///   ``FileStoreError/Code-swift.struct/unknownCursor`` when `after` names no file.
    public func list(after: String? = nil, limit: Int = FileStore.maximumListLimit, order: SortDirection = .descending, purpose: FilePurpose? = nil) async throws -> FileList {
        return try await instrumentation.run("list", attributes: { $0["stackkit.table"] = configuration.table; $0["stackkit.limit"] = limit }) { _ in
            guard (1...Self.maximumListLimit).contains(limit) else {
                throw FileStoreError.invalid("limit", "\(limit) is outside 1...\(Self.maximumListLimit)")
            }
            var cursor: KeysetCursor?
            if let after {
                guard let row = try await store.fetchOne(from: configuration.table, where: .equal("id", .string(after))) else {
                    throw FileStoreError(code: .unknownCursor, message: "after: no file with id '\(after)'", field: "after")
                }
                cursor = .after(orderValue: row["created_at"] ?? .null, primaryKey: .string(after))
            }
            var predicate = visible(nil)
            if let purpose { predicate = .and([predicate, .equal("purpose", .string(purpose.rawValue))]) }
            let page = try await store.fetchPage(
                TableQuery(
                    table: configuration.table,
                    predicate: predicate,
                    ordering: TableOrdering(column: "created_at", direction: order),
                    limit: limit,
                    after: cursor
                )
            )
            return FileList(data: try page.rows.map(Self.file(from:)), hasMore: page.hasMore)
        }
    }

    // MARK: Deleting

    /// Deletes a visible file: its row, then its bytes.
    ///
    /// - Throws: ``FileStoreError`` with code ``FileStoreError/Code-swift.struct/notFound`` naming the id.
    public func delete(id: String) async throws -> FileDeletion {
        return try await instrumentation.run("delete", attributes: { $0["stackkit.table"] = configuration.table }) { _ in
            let deleted = try await store.delete(from: configuration.table, where: visible(.equal("id", .string(id))))
            guard deleted > 0 else { throw FileStoreError.notFound(id: id) }
            await removeBytes(id)
            return FileDeletion(id: id)
        }
    }

    /// Deletes every expired file (rows, then bytes); returns how many.
    public func reclaimExpired() async throws -> Int {
        return try await instrumentation.run("reclaimExpired", attributes: { $0["stackkit.table"] = configuration.table }) { _ in
            let now = Int64(clock.now().timeIntervalSince1970.rounded(.down))
            let expired: TablePredicate = .lessOrEqual("expires_at", .integer(now))  // NULL (never expires) never matches
            var total = 0
            while true {
                let page = try await store.fetchPage(TableQuery(table: configuration.table, predicate: expired, limit: 500, columns: ["id"]))
                let ids = page.rows.compactMap { $0["id"]?.stringValue }
                guard !ids.isEmpty else { break }
                let deleted = try await store.delete(
                    from: configuration.table,
                    where: .and([.in("id", ids.map { .string($0) }), expired])
                )
                total += deleted
                for id in ids { await removeBytes(id) }
                if !page.hasMore { break }
            }
            return total
        }
    }

    // MARK: Helpers

    /// `predicate` limited to files that have not expired.
    private func visible(_ predicate: TablePredicate?) -> TablePredicate {
        let now = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        let live: TablePredicate = .or([.isNull("expires_at"), .greater("expires_at", .integer(now))])
        return predicate.map { .and([$0, live]) } ?? live
    }

    private func removeBytes(_ id: String) async {
        guard FileDirectory.isFileID(id) else { return }
        do {
            try await directory.remove(id)
        } catch {
            logger.warning("cannot remove the bytes of a deleted file; the next open removes them", metadata: ["file": "\(id)", "error": "\(error)"])
        }
    }

    /// Removes temporary files and bytes without a row, older than the grace period.
    private func removeOrphans() async throws {
        let cutoff = Date().addingTimeInterval(-configuration.orphanGracePeriod)
        let candidates = try await directory.entries().filter { $0.modified <= cutoff }
        guard !candidates.isEmpty else { return }
        var withoutRow: [String] = []
        let ids = candidates.map(\.name).filter(FileDirectory.isFileID)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start..<min(start + 500, ids.count)])
            let page = try await store.fetchPage(
                TableQuery(table: configuration.table, predicate: .in("id", batch.map { .string($0) }), columns: ["id"])
            )
            let known = Set(page.rows.compactMap { $0["id"]?.stringValue })
            withoutRow += batch.filter { !known.contains($0) }
        }
        let temporary = candidates.map(\.name).filter { $0.hasPrefix(FileDirectory.temporaryPrefix) }
        for name in temporary + withoutRow {
            try await directory.remove(name)
        }
        if !(temporary + withoutRow).isEmpty {
            logger.info("removed files left by an interrupted upload or delete", metadata: ["count": "\(temporary.count + withoutRow.count)"])
        }
    }

    private static func row(_ file: FileObject) -> TableRow {
        TableRow([
            "id": .string(file.id),
            "bytes": .integer(Int64(file.bytes)),
            "created_at": .integer(file.createdAt),
            "expires_at": file.expiresAt.map { .integer($0) } ?? .null,
            "filename": .string(file.filename),
            "purpose": .string(file.purpose.rawValue),
        ])
    }

    private static func file(from row: TableRow) throws -> FileObject {
        let id = row["id"]?.stringValue ?? "?"
        guard let bytes = row["bytes"]?.integerValue, let createdAt = row["created_at"]?.integerValue,
            let filename = row["filename"]?.stringValue, let purposeText = row["purpose"]?.stringValue,
            let purpose = FilePurpose(rawValue: purposeText), FileDirectory.isFileID(id)
        else {
            throw FileStoreError(code: .corruptRecord, message: "the metadata row of file '\(id)' cannot be read")
        }
        return FileObject(id: id, bytes: Int(bytes), createdAt: createdAt, expiresAt: row["expires_at"]?.integerValue, filename: filename, purpose: purpose)
    }
}
