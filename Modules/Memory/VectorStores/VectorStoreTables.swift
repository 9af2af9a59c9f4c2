import Foundation
import StorageRefs

/// The vector-store tables: schemas, rows and keyset pages.
enum VectorStoreTables {
    static func stores(_ name: String) -> TableSchema {
        TableSchema(
            name: name,
            columns: [
                ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "name", type: .text),
                ColumnDefinition(name: "metadata", type: .json, isNullable: false),
                ColumnDefinition(name: "expires_after", type: .json),
                ColumnDefinition(name: "expires_at", type: .integer),
                ColumnDefinition(name: "last_active_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "embedding_model", type: .string, isNullable: false),
                ColumnDefinition(name: "embedding_dimension", type: .integer, isNullable: false),
                ColumnDefinition(name: "chunking_strategy", type: .json, isNullable: false),
                ColumnDefinition(name: "usage_bytes", type: .integer, isNullable: false),
                ColumnDefinition(name: "in_progress", type: .integer, isNullable: false),
                ColumnDefinition(name: "completed", type: .integer, isNullable: false),
                ColumnDefinition(name: "failed", type: .integer, isNullable: false),
                ColumnDefinition(name: "cancelled", type: .integer, isNullable: false),
                ColumnDefinition(name: "total", type: .integer, isNullable: false),
            ],
            indexes: [IndexDefinition(columns: ["created_at", "id"])]
        )
    }

    static func files(_ name: String) -> TableSchema {
        TableSchema(
            name: name,
            columns: [
                ColumnDefinition(name: "key", type: .string, isPrimaryKey: true),
                ColumnDefinition(name: "store_id", type: .string, isNullable: false),
                ColumnDefinition(name: "file_id", type: .string, isNullable: false),
                ColumnDefinition(name: "filename", type: .text, isNullable: false),
                ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "status", type: .string, isNullable: false),
                ColumnDefinition(name: "last_error", type: .json),
                ColumnDefinition(name: "attributes", type: .json, isNullable: false),
                ColumnDefinition(name: "chunking_strategy", type: .json, isNullable: false),
                ColumnDefinition(name: "usage_bytes", type: .integer, isNullable: false),
                ColumnDefinition(name: "chunk_count", type: .integer, isNullable: false),
                ColumnDefinition(name: "batch_id", type: .string),
            ],
            indexes: [IndexDefinition(columns: ["store_id", "created_at", "key"]), IndexDefinition(columns: ["batch_id", "status"])]
        )
    }

    static func batches(_ name: String) -> TableSchema {
        TableSchema(
            name: name,
            columns: [
                ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                ColumnDefinition(name: "store_id", type: .string, isNullable: false),
                ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "expires_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "status", type: .string, isNullable: false),
                ColumnDefinition(name: "file_ids", type: .json, isNullable: false),
                ColumnDefinition(name: "attributes", type: .json, isNullable: false),
                ColumnDefinition(name: "chunking_strategy", type: .json, isNullable: false),
            ],
            indexes: [IndexDefinition(columns: ["store_id", "created_at", "id"])]
        )
    }

    static func key(store: String, file: String) -> String { store + "/" + file }

    static func strategyJSON(_ strategy: ChunkingStrategy) -> JSONValue {
        switch strategy {
        case .auto: return ["type": "auto"]
        case .static(let size, let overlap):
            return ["type": "static", "static": ["max_chunk_size_tokens": .int(Int64(size)), "chunk_overlap_tokens": .int(Int64(overlap))]]
        }
    }

    static func strategy(from json: JSONValue?) -> ChunkingStrategy {
        guard let json, json["type"]?.stringValue == "static", let inner = json["static"],
            let size = inner["max_chunk_size_tokens"]?.intValue, let overlap = inner["chunk_overlap_tokens"]?.intValue
        else { return .auto }
        return .static(maxChunkSizeTokens: Int(size), chunkOverlapTokens: Int(overlap))
    }

    static func row(_ store: VectorStoreObject, strategy: ChunkingStrategy) -> TableRow {
        TableRow([
            "id": .string(store.id), "created_at": .integer(store.createdAt), "name": store.name.map { .string($0) } ?? .null,
            "metadata": .json(.object(store.metadata)), "expires_after": store.expiresAfter.map { .json($0) } ?? .null,
            "expires_at": store.expiresAt.map { .integer($0) } ?? .null, "last_active_at": .integer(store.lastActiveAt ?? store.createdAt),
            "embedding_model": .string(store.embeddingModel), "embedding_dimension": .integer(Int64(store.embeddingDimension)),
            "chunking_strategy": .json(strategyJSON(strategy)), "usage_bytes": .integer(Int64(store.usageBytes)),
            "in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0,
        ])
    }

    /// The store in `row`; its status is `expired` once `expires_at` is at or before `now`, else `in_progress` while
    /// files are being processed, else `completed`.
    static func store(from row: TableRow, now: Int64) throws -> (store: VectorStoreObject, strategy: ChunkingStrategy) {
        let id = row["id"]?.stringValue ?? "?"
        func int(_ column: String) throws -> Int64 {
            guard let value = row[column]?.integerValue else {
                throw MemoryError(code: .invalidArgument, message: "vector store '\(id)': column \(column) is unreadable")
            }
            return value
        }
        let counts = VectorStoreFileCounts(
            inProgress: Int(try int("in_progress")), completed: Int(try int("completed")), failed: Int(try int("failed")),
            cancelled: Int(try int("cancelled")), total: Int(try int("total"))
        )
        var store = VectorStoreObject(
            id: id, createdAt: try int("created_at"), name: row["name"]?.stringValue, usageBytes: Int(try int("usage_bytes")),
            fileCounts: counts, status: counts.inProgress > 0 ? "in_progress" : "completed",
            expiresAfter: row["expires_after"]?.jsonValue, expiresAt: row["expires_at"]?.integerValue,
            lastActiveAt: row["last_active_at"]?.integerValue, metadata: row["metadata"]?.jsonValue?.objectValue ?? [:],
            embeddingModel: row["embedding_model"]?.stringValue ?? "", embeddingDimension: Int(try int("embedding_dimension"))
        )
        if let expiresAt = store.expiresAt, expiresAt <= now { store.status = "expired" }
        return (store, strategy(from: row["chunking_strategy"]?.jsonValue))
    }

    static func file(from row: TableRow) throws -> VectorStoreFileObject {
        let key = row["key"]?.stringValue ?? "?"
        guard let fileID = row["file_id"]?.stringValue, let storeID = row["store_id"]?.stringValue,
            let created = row["created_at"]?.integerValue, let status = row["status"]?.stringValue
        else { throw MemoryError(code: .invalidArgument, message: "vector store file '\(key)' is unreadable") }
        var lastError: VectorStoreFileError?
        if let error = row["last_error"]?.jsonValue, let code = error["code"]?.stringValue, let message = error["message"]?.stringValue {
            lastError = VectorStoreFileError(code: code, message: message)
        }
        return VectorStoreFileObject(
            id: fileID, usageBytes: Int(row["usage_bytes"]?.integerValue ?? 0), createdAt: created, vectorStoreID: storeID,
            status: status, lastError: lastError, chunkingStrategy: row["chunking_strategy"]?.jsonValue ?? ["type": "auto"],
            attributes: row["attributes"]?.jsonValue?.objectValue ?? [:], filename: row["filename"]?.stringValue ?? "",
            chunkCount: Int(row["chunk_count"]?.integerValue ?? 0)
        )
    }

    /// A keyset page over `(created_at, primary key)` of `table`, within `scope`.
    ///
    /// - Parameters:
    ///   - scope: `(column, value, key prefix)` for files of one store; `nil` for stores.
    ///   - after: The public id of the item before the page; `before`: the item after it.
    static func page(
        _ tables: any TableStore,
        table: String,
        scope: (column: String, value: String)?,
        limit: Int,
        order: SortDirection,
        after: String?,
        before: String?,
        extra: TablePredicate? = nil
    ) async throws -> TablePage {
        guard (1...100).contains(limit) else { throw MemoryError.invalid("limit", "\(limit) is outside 1...100") }
        if after != nil && before != nil { throw MemoryError.invalid("before", "give 'after' or 'before', not both") }
        let keyColumn = scope == nil ? "id" : "key"
        func key(_ id: String) -> String { scope.map { VectorStoreTables.key(store: $0.value, file: id) } ?? id }
        var predicates: [TablePredicate] = []
        if let scope { predicates.append(.equal(scope.column, .string(scope.value))) }
        if let extra { predicates.append(extra) }
        var cursor: KeysetCursor?
        if let anchor = after ?? before {
            guard let row = try await tables.fetchOne(from: table, where: .equal(keyColumn, .string(key(anchor)))) else {
                throw MemoryError.invalid(after != nil ? "after" : "before", "no item with id '\(anchor)'")
            }
            cursor = .after(orderValue: row["created_at"] ?? .null, primaryKey: .string(key(anchor)))
        }
        let reversed = before != nil
        let direction: SortDirection = reversed ? (order.isAscending ? .descending : .ascending) : order
        var page = try await tables.fetchPage(
            TableQuery(
                table: table,
                predicate: predicates.isEmpty ? nil : .and(predicates),
                ordering: TableOrdering(column: "created_at", direction: direction),
                limit: limit,
                after: cursor
            )
        )
        if reversed { page.rows.reverse() }
        return page
    }
}
