public import Logging
public import OpenAITypes
public import ServiceLifecycle
public import StorageRefs
public import _TableWriting
import _Instrumentation
public import CoreMetrics
public import Tracing

/// Stored responses (Responses API) with their input items and chat messages, and the messages of
/// conversations, in the tables a run config's reference names.
///
/// Tables: the reference's `table_name` for responses and `<table_name>_conversation_messages` for
/// conversations (one row per conversation, replaced by native upsert). Give it an
/// `AuthorizedTableStore` (SQLStore) to keep each user's responses private: another user's response
/// is ``ResponsesStoreError/Code-swift.struct/notFound`` exactly like a missing one, and deleting it
/// deletes nothing.
///
/// Writes go through a ``TableWriter`` (durable by default, or buffered: run the store in a
/// `ServiceGroup`). In buffered mode a read right after a write may not see it yet; ``flush()``
/// makes every earlier write visible, and ``delete(id:)`` flushes first so it never misses a queued
/// response.
public final class ResponsesStore: Service, Sendable {
    /// The responses table (the reference's `table_name`).
    public let table: String
    /// The conversation messages table.
    public let conversationTable: String
    /// The write path.
    public let writer: TableWriter
    private let tables: any TableStore
    private let instrumentation: OperationInstrumentation

    /// Creates a store; call ``prepare()`` before use.
    ///
    /// - Parameters:
    ///   - tables: The table store, ideally an access-control decorator.
    ///   - reference: Its `table_name`, and the buffered queue's `max_write_queue_size` and `num_writers`.
    ///   - mode: Durable (the default) or buffered.
    ///   - logger: For the write path (never row contents).
    ///   - tracer: Traces each public operation as a `ResponsesStore.<operation>` span; `nil` uses the bootstrapped
    ///     tracer, a no-op until one is bootstrapped.
    ///   - metricsFactory: Receives their durations and failures; `nil` uses the bootstrapped backend.
    public init(
        tables: any TableStore,
        reference: ResponsesStoreReference,
        mode: TableWriteMode = .durable,
        logger: Logger,
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.instrumentation = OperationInstrumentation(
            component: "ResponsesStore",
            operations: ["store", "response", "delete", "list", "inputItems", "storeConversationMessages", "conversationMessages"],
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        self.tables = tables
        self.table = reference.tableName
        self.conversationTable = reference.tableName + "_conversation_messages"
        self.writer = TableWriter(store: tables, reference: reference, mode: mode, logger: logger)
    }

    /// Creates the tables (and indexes) or checks the existing ones.
    ///
    /// - Throws: A `StorageError` from the table store.
    public func prepare() async throws {
        try await tables.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                    ColumnDefinition(name: "model", type: .string, isNullable: false),
                    ColumnDefinition(name: "response_object", type: .json, isNullable: false),
                    ColumnDefinition(name: "input", type: .json, isNullable: false),
                    ColumnDefinition(name: "messages", type: .json, isNullable: false),
                ],
                indexes: [
                    IndexDefinition(name: "\(table)_created_at_id", columns: ["created_at", "id"]),
                    IndexDefinition(name: "\(table)_model_created_at_id", columns: ["model", "created_at", "id"]),
                ]
            )
        )
        try await tables.createTable(
            TableSchema(
                name: conversationTable,
                columns: [
                    ColumnDefinition(name: "conversation_id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "messages", type: .json, isNullable: false),
                ]
            )
        )
        try await writer.prepare()
    }

    // MARK: Responses

    /// Stores a response with its input items and messages, owned by the current ``User``.
    ///
    /// - Throws: Durable mode: the database's error, such as a `constraintViolation` for an id
    ///   already stored. Buffered mode: only when the store is shutting down.
    public func store(_ response: ResponseObject, input: [ResponseInputItem], messages: [ChatMessage]) async throws {
        try await instrumentation.run("store", attributes: { $0["stackkit.table"] = table; $0["stackkit.count"] = input.count }) { _ in
            let row: TableRow = [
                "id": .string(response.id),
                "created_at": .integer(response.createdAt),
                "model": .string(response.model),
                "response_object": .json(response.json),
                "input": .json(.array(input.map(\.json))),
                "messages": .json(.array(messages.map(\.json))),
            ]
            try await writer.write(
                TableWrite(label: "response \(response.id)", operations: [.insert(table: table, key: "id", rows: [row])])
            )
        }
    }

    /// The stored response with `id`, with its input items and messages.
    ///
    /// - Throws: ``ResponsesStoreError`` ``ResponsesStoreError/Code-swift.struct/notFound`` naming
    ///   the id when it is missing or not readable by the current user.
    public func response(id: String) async throws -> StoredResponse {
        return try await instrumentation.run("response", attributes: { $0["stackkit.table"] = table }) { _ in
            guard let row = try await tables.fetchOne(from: table, where: .equal("id", .string(id))) else {
                throw ResponsesStoreError(code: .notFound, message: "response \(id) not found")
            }
            return try Self.decode(row, table: table)
        }
    }

    /// Deletes the response with `id`.
    ///
    /// Buffered writes are flushed first, so a response stored just before is deleted too.
    ///
    /// - Returns: `{"id": id, "object": "response", "deleted": true}`.
    /// - Throws: ``ResponsesStoreError`` ``ResponsesStoreError/Code-swift.struct/notFound`` naming
    ///   the id when no response the current user may delete has it.
    public func delete(id: String) async throws -> ResponseDeletion {
        return try await instrumentation.run("delete", attributes: { $0["stackkit.table"] = table }) { _ in
            await writer.flush()
            guard try await tables.delete(from: table, where: .equal("id", .string(id))) > 0 else {
                throw ResponsesStoreError(code: .notFound, message: "response \(id) not found")
            }
            return ResponseDeletion(id: id)
        }
    }

    /// A page of stored responses, newest first by default; keyset pages over (`created_at`, `id`).
    ///
    /// - Parameters:
    ///   - after: The id of the last response already seen.
    ///   - limit: The page size, at least 1 (default 50).
    ///   - model: Only responses of this model, when given.
    ///   - order: `.descending` (the default) or `.ascending` by `created_at`.
    /// - Throws: ``ResponsesStoreError`` ``ResponsesStoreError/Code-swift.struct/unknownCursor``
    ///   naming `after`, or ``ResponsesStoreError/Code-swift.struct/invalidArgument`` for a limit
    ///   below 1.
    public func list(
        after: String? = nil,
        limit: Int = 50,
        model: String? = nil,
        order: SortDirection = .descending
    ) async throws -> ResponsesPage<StoredResponse> {
        return try await instrumentation.run("list", attributes: { $0["stackkit.table"] = table; $0["stackkit.limit"] = limit }) { _ in
            guard limit >= 1 else {
                throw ResponsesStoreError(code: .invalidArgument, message: "limit must be at least 1, not \(limit)")
            }
            let query = TableQuery(
                table: table,
                predicate: model.map { .equal("model", .string($0)) },
                ordering: TableOrdering(column: "created_at", direction: order),
                limit: limit,
                after: after.map { .after(primaryKey: .string($0)) }
            )
            let page: TablePage
            do {
                page = try await tables.fetchPage(query)
            } catch let error as StorageError where error.code == .unknownCursor {
                throw ResponsesStoreError(code: .unknownCursor, message: "no response \(after ?? "") to list after")
            }
            let data = try page.rows.map { try Self.decode($0, table: table) }
            return ResponsesPage(
                data: data,
                hasMore: page.hasMore,
                firstID: data.first?.response.id ?? "",
                lastID: data.last?.response.id ?? ""
            )
        }
    }

    /// A page of a response's input items.
    ///
    /// The items are taken in request order (`.ascending`) or reversed (`.descending`, the
    /// default), then those strictly after `after` or strictly before `before` (item ids) are kept,
    /// and the first `limit` returned.
    ///
    /// - Parameters:
    ///   - responseID: The response.
    ///   - after: An item id; only items after it.
    ///   - before: An item id; only items before it. Not together with `after`.
    ///   - include: Extra fields to include; not supported, so it must be empty.
    ///   - limit: The page size, 1 to 100 (default 20).
    ///   - order: `.descending` (the default) or `.ascending`.
    /// - Throws: ``ResponsesStoreError``: ``ResponsesStoreError/Code-swift.struct/notFound`` for a
    ///   missing response or an item id it does not have (naming both),
    ///   ``ResponsesStoreError/Code-swift.struct/notSupported`` for a non-empty `include`,
    ///   ``ResponsesStoreError/Code-swift.struct/invalidArgument`` for `before` with `after` or a
    ///   limit out of range.
    public func inputItems(
        responseID: String,
        after: String? = nil,
        before: String? = nil,
        include: [String] = [],
        limit: Int = 20,
        order: SortDirection = .descending
    ) async throws -> ResponsesPage<ResponseInputItem> {
        return try await instrumentation.run("inputItems", attributes: { $0["stackkit.table"] = table; $0["stackkit.limit"] = limit }) { _ in
            guard include.isEmpty else {
                throw ResponsesStoreError(
                    code: .notSupported,
                    message: "include (\(include.joined(separator: ", "))) is not supported for input items"
                )
            }
            guard after == nil || before == nil else {
                throw ResponsesStoreError(code: .invalidArgument, message: "give either after or before, not both")
            }
            guard (1...100).contains(limit) else {
                throw ResponsesStoreError(code: .invalidArgument, message: "limit must be from 1 to 100, not \(limit)")
            }
            var items = try await response(id: responseID).input
            if order == .descending { items.reverse() }
            func position(_ id: String) throws -> Int {
                guard let index = items.firstIndex(where: { $0.id == id }) else {
                    throw ResponsesStoreError(code: .notFound, message: "input item \(id) not found in response \(responseID)")
                }
                return index
            }
            if let after { items = Array(items[(try position(after) + 1)...]) }
            if let before { items = Array(items[..<(try position(before))]) }
            let page = Array(items.prefix(limit))
            return ResponsesPage(
                data: page,
                hasMore: items.count > limit,
                firstID: page.first?.id ?? "",
                lastID: page.last?.id ?? ""
            )
        }
    }

    // MARK: Conversations

    /// Stores (replacing) the messages of a conversation, owned by the current ``User``.
    ///
    /// - Throws: As ``store(_:input:messages:)``.
    public func storeConversationMessages(conversationID: String, messages: [ChatMessage]) async throws {
        try await instrumentation.run("storeConversationMessages", attributes: { $0["stackkit.count"] = messages.count }) { _ in
            let row: TableRow = [
                "conversation_id": .string(conversationID),
                "messages": .json(.array(messages.map(\.json))),
            ]
            try await writer.write(
                TableWrite(
                    label: "conversation \(conversationID)",
                    operations: [.upsert(table: conversationTable, rows: [row], conflict: ["conversation_id"])]
                )
            )
        }
    }

    /// The messages of a conversation, in the order stored, or `nil` when it has none the current
    /// user may read.
    public func conversationMessages(conversationID: String) async throws -> [ChatMessage]? {
        return try await instrumentation.run("conversationMessages") { _ in
            guard
                let row = try await tables.fetchOne(
                    from: conversationTable,
                    where: .equal("conversation_id", .string(conversationID))
                )
            else { return nil }
            guard case .json(.array(let messages))? = row["messages"] else {
                throw StorageError(code: .invalidValue, message: "conversation \(conversationID) holds no message list")
            }
            return try messages.map { message in
                do {
                    return try ChatMessage(json: message)
                } catch {
                    throw StorageError(code: .invalidValue, message: "conversation \(conversationID): \(error)")
                }
            }
        }
    }

    // MARK: Service

    /// Waits until every buffered write made before the call is committed or dead-lettered.
    public func flush() async {
        await writer.flush()
    }

    /// Buffered writes that failed for good; see ``TableWriter/failures``.
    public var failures: AsyncStream<TableWriteFailure> { writer.failures }

    /// Runs the buffered write path until graceful shutdown, then drains it.
    public func run() async throws {
        try await writer.run()
    }

    static func decode(_ row: TableRow, table: String) throws -> StoredResponse {
        guard case .json(let response)? = row["response_object"], case .json(.array(let input))? = row["input"],
            case .json(.array(let messages))? = row["messages"]
        else {
            throw StorageError(code: .invalidValue, message: "a row of \(table) lacks its response, input or messages")
        }
        do {
            return StoredResponse(
                response: try ResponseObject(json: response),
                input: try input.map { try ResponseInputItem(json: $0) },
                messages: try messages.map { try ChatMessage(json: $0) }
            )
        } catch {
            throw StorageError(code: .invalidValue, message: "a row of \(table) holds an invalid response: \(error)")
        }
    }
}
