public import Logging
public import OpenAITypes
public import ServiceLifecycle
public import StorageRefs
public import _TableWriting
import _Instrumentation
public import CoreMetrics
public import Tracing

/// Stored chat completions with their input messages, in the table a run config's reference names.
///
/// Give it an `AuthorizedTableStore` (SQLStore) to keep each user's completions private: rows then
/// record their owner, reads see only permitted rows, and a completion another user may not read is
/// ``InferenceStoreError/Code-swift.struct/notFound`` exactly like a missing one.
///
/// Writes go through a ``TableWriter``: ``TableWriteMode/durable`` (``store(_:inputMessages:)``
/// returns after the commit) or ``TableWriteMode/buffered`` (it returns once queued; run the store
/// in a `ServiceGroup` so its workers commit, and see ``failures``). Nothing is dropped silently.
///
/// ```swift
/// let store = InferenceStore(tables: AuthorizedTableStore(base: sqlite), reference: reference, logger: logger)
/// try await store.prepare()
/// try await store.store(completion, inputMessages: messages)
/// let page = try await store.list(limit: 20, model: "llama-3")
/// ```
public final class InferenceStore: Service, Sendable {
    /// The table the completions live in (the reference's `table_name`).
    public let table: String
    /// The write path.
    public let writer: TableWriter
    private let tables: any TableStore
    private let instrumentation: OperationInstrumentation

    /// Creates a store; call ``prepare()`` before use.
    ///
    /// - Parameters:
    ///   - tables: The table store, ideally an access-control decorator.
    ///   - reference: The run config's reference: its `table_name`, and the buffered write queue's
    ///     `max_write_queue_size` and `num_writers`.
    ///   - mode: Durable (the default) or buffered.
    ///   - logger: For the write path (never row contents).
    ///   - tracer: Traces `store`, `completion` and `list` as `InferenceStore.<operation>` spans; `nil` uses the
    ///     bootstrapped tracer, a no-op until one is bootstrapped.
    ///   - metricsFactory: Receives their durations and failures; `nil` uses the bootstrapped backend.
    public init(
        tables: any TableStore,
        reference: InferenceStoreReference,
        mode: TableWriteMode = .durable,
        logger: Logger,
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.instrumentation = OperationInstrumentation(
            component: "InferenceStore", operations: ["store", "completion", "list"], tracer: tracer, metricsFactory: metricsFactory
        )
        self.tables = tables
        self.table = reference.tableName
        self.writer = TableWriter(store: tables, reference: reference, mode: mode, logger: logger)
    }

    /// Creates the table (and its indexes and the dead-letter table) or checks the existing one.
    ///
    /// - Throws: A `StorageError` from the table store.
    public func prepare() async throws {
        try await tables.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "created", type: .integer, isNullable: false),
                    ColumnDefinition(name: "model", type: .string, isNullable: false),
                    ColumnDefinition(name: "completion", type: .json, isNullable: false),
                    ColumnDefinition(name: "input_messages", type: .json, isNullable: false),
                ],
                indexes: [
                    IndexDefinition(name: "\(table)_created_id", columns: ["created", "id"]),
                    IndexDefinition(name: "\(table)_model_created_id", columns: ["model", "created", "id"]),
                ]
            )
        )
        try await writer.prepare()
    }

    /// Stores a completion with the messages it answered, owned by the current ``User``.
    ///
    /// - Parameters:
    ///   - completion: The completion as returned to the client.
    ///   - inputMessages: The request's messages.
    /// - Throws: Durable mode: the database's error, such as a `constraintViolation` for an id
    ///   already stored. Buffered mode: only when the store is shutting down; later failures go to
    ///   ``failures``.
    public func store(_ completion: ChatCompletion, inputMessages: [ChatMessage]) async throws {
        try await instrumentation.run("store", attributes: { $0["stackkit.table"] = table; $0["stackkit.count"] = inputMessages.count }) { _ in
            let row: TableRow = [
                "id": .string(completion.id),
                "created": .integer(completion.created),
                "model": .string(completion.model),
                "completion": .json(completion.json),
                "input_messages": .json(.array(inputMessages.map(\.json))),
            ]
            try await writer.write(
                TableWrite(
                    label: "chat completion \(completion.id)",
                    operations: [.insert(table: table, key: "id", rows: [row])]
                )
            )
        }
    }

    /// The stored completion with `id`.
    ///
    /// - Parameter id: The completion's id.
    /// - Returns: The completion and its input messages.
    /// - Throws: ``InferenceStoreError`` ``InferenceStoreError/Code-swift.struct/notFound`` naming
    ///   the id when it is missing or not readable by the current user.
    public func completion(id: String) async throws -> StoredChatCompletion {
        return try await instrumentation.run("completion", attributes: { $0["stackkit.table"] = table }) { _ in
            guard let row = try await tables.fetchOne(from: table, where: .equal("id", .string(id))) else {
                throw InferenceStoreError(code: .notFound, message: "chat completion \(id) not found")
            }
            return try Self.decode(row, table: table)
        }
    }

    /// A page of stored completions, newest first by default.
    ///
    /// Pages are keyset pages over (`created`, `id`): completions sharing a timestamp are neither
    /// skipped nor repeated.
    ///
    /// - Parameters:
    ///   - after: The id of the last completion already seen (``ChatCompletionList/lastID``).
    ///   - limit: The page size, at least 1 (default 50).
    ///   - model: Only completions of this model, when given.
    ///   - order: `.descending` (newest first, the default) or `.ascending` by `created`.
    /// - Returns: The page.
    /// - Throws: ``InferenceStoreError`` ``InferenceStoreError/Code-swift.struct/unknownCursor``
    ///   naming `after` when no readable completion has that id, or
    ///   ``InferenceStoreError/Code-swift.struct/invalidArgument`` for a limit below 1.
    public func list(
        after: String? = nil,
        limit: Int = 50,
        model: String? = nil,
        order: SortDirection = .descending
    ) async throws -> ChatCompletionList {
        return try await instrumentation.run("list", attributes: { $0["stackkit.table"] = table; $0["stackkit.limit"] = limit }) { _ in
            guard limit >= 1 else {
                throw InferenceStoreError(code: .invalidArgument, message: "limit must be at least 1, not \(limit)")
            }
            let query = TableQuery(
                table: table,
                predicate: model.map { .equal("model", .string($0)) },
                ordering: TableOrdering(column: "created", direction: order),
                limit: limit,
                after: after.map { .after(primaryKey: .string($0)) }
            )
            let page: TablePage
            do {
                page = try await tables.fetchPage(query)
            } catch let error as StorageError where error.code == .unknownCursor {
                throw InferenceStoreError(code: .unknownCursor, message: "no chat completion \(after ?? "") to list after")
            }
            return ChatCompletionList(data: try page.rows.map { try Self.decode($0, table: table) }, hasMore: page.hasMore)
        }
    }

    /// Waits until every buffered write made before the call is committed or dead-lettered.
    public func flush() async {
        await writer.flush()
    }

    /// Buffered writes that failed for good; see ``TableWriter/failures``.
    public var failures: AsyncStream<TableWriteFailure> { writer.failures }

    /// Runs the buffered write path until graceful shutdown, then drains it; see ``TableWriter/run()``.
    public func run() async throws {
        try await writer.run()
    }

    static func decode(_ row: TableRow, table: String) throws -> StoredChatCompletion {
        guard case .json(let completion)? = row["completion"], case .json(.array(let messages))? = row["input_messages"]
        else {
            throw StorageError(code: .invalidValue, message: "a row of \(table) lacks its completion or input messages")
        }
        do {
            return StoredChatCompletion(
                completion: try ChatCompletion(json: completion),
                inputMessages: try messages.map { try ChatMessage(json: $0) }
            )
        } catch {
            throw StorageError(code: .invalidValue, message: "a row of \(table) holds an invalid chat completion: \(error)")
        }
    }
}
