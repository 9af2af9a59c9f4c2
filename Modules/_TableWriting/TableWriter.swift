import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import StorageRefs
import Synchronization

/// The write path of a store that takes writes on the request path (DESIGN §6): durable or
/// buffered, never silently dropping a write.
///
/// In ``TableWriteMode/durable`` mode ``write(_:)`` commits before it returns and throws what the
/// database throws. In ``TableWriteMode/buffered`` mode ``write(_:)`` queues (waiting while the
/// queue is full) and ``run()``'s workers commit batches of writes in one transaction each; a batch
/// that fails is retried write by write, transient errors with exponential backoff and jitter, and
/// a write that still fails is reported on ``failures``, counted in the
/// `stackkit_table_writes_dead_lettered` metric and stored in the dead-letter table. A write
/// retried after an ambiguous failure is checked by primary key first, so it is present once.
///
/// The buffered workers run inside ``run()``: run the writer (or the store that owns it) in a
/// `ServiceGroup`. Graceful shutdown (or ``finish()``) stops accepting writes and drains the queue
/// before `run()` returns.
public final class TableWriter: Service, Sendable {
    /// The mode.
    public let mode: TableWriteMode
    /// The buffered tuning.
    public let configuration: TableWriteConfiguration
    /// The table buffered writes that fail for good are kept in.
    public let deadLetterTable: String
    /// Failed buffered writes, as they are dead-lettered (the newest 1,000 are kept for a slow reader).
    public let failures: AsyncStream<TableWriteFailure>

    private let store: any TableStore
    private let queue: TableWriteQueue
    private let logger: Logger
    private let failureSink: AsyncStream<TableWriteFailure>.Continuation
    private let deadLetterCounter = Counter(label: "stackkit_table_writes_dead_lettered")
    private let retryCounter = Counter(label: "stackkit_table_write_retries")

    /// Creates a writer; call ``prepare()`` before the first write.
    ///
    /// - Parameters:
    ///   - store: Where rows are written (an access-control decorator records each write's user).
    ///   - mode: Durable or buffered.
    ///   - configuration: The buffered tuning.
    ///   - deadLetterTable: The table that keeps writes that failed for good.
    ///   - logger: Where retries (debug) and dead letters (error) are logged; never row contents.
    public init(
        store: any TableStore,
        mode: TableWriteMode,
        configuration: TableWriteConfiguration = TableWriteConfiguration(),
        deadLetterTable: String,
        logger: Logger
    ) {
        self.store = store
        self.mode = mode
        self.configuration = configuration
        self.deadLetterTable = deadLetterTable
        self.logger = logger
        self.queue = TableWriteQueue(capacity: configuration.maxQueueSize, batchSize: configuration.maxBatchSize)
        (self.failures, self.failureSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1_000))
    }

    /// Creates the dead-letter table.
    ///
    /// - Throws: What the store's `createTable` throws.
    public func prepare() async throws {
        try await store.createTable(
            TableSchema(
                name: deadLetterTable,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "label", type: .string, isNullable: false),
                    ColumnDefinition(name: "operations", type: .json, isNullable: false),
                    ColumnDefinition(name: "error", type: .text, isNullable: false),
                    ColumnDefinition(name: "attempts", type: .integer, isNullable: false),
                    ColumnDefinition(name: "failed_at", type: .datetime, isNullable: false),
                ]
            )
        )
    }

    /// Writes: commits it (durable) or queues it (buffered).
    ///
    /// - Parameter write: The write.
    /// - Throws: Durable: the database's error (nothing was written). Buffered: a
    ///   ``StorageError/Code-swift.struct/closed`` error once the writer is shutting down.
    public func write(_ write: TableWrite) async throws {
        switch mode {
        case .durable: try await self.apply([write], retry: false)
        case .buffered: try await queue.enqueue(write)
        }
    }

    /// Waits until every write queued before the call is committed or dead-lettered (buffered); returns at once
    /// in durable mode.
    public func flush() async {
        guard mode == .buffered else { return }
        await queue.flush()
    }

    /// Stops accepting writes; ``run()`` returns once the queue is drained.
    public func finish() async {
        await queue.close()
    }

    /// Runs the buffered workers until graceful shutdown or ``finish()``, then drains the queue.
    ///
    /// In durable mode nothing is ever queued, so the workers idle until graceful shutdown or
    /// ``finish()`` and `run()` returns then, as in buffered mode.
    public func run() async throws {
        let queue = self.queue
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<configuration.writerCount {
                    group.addTask { await self.work() }
                }
            }
        } onGracefulShutdown: {
            Task { await queue.close() }
        }
        failureSink.finish()
    }

    private func work() async {
        while let batch = await queue.take() {
            await self.process(batch.map(\.write))
            await queue.complete(batch.map(\.sequence))
        }
    }

    private func process(_ writes: [TableWrite]) async {
        var retry = false
        if writes.count > 1 {
            do {
                try await self.apply(writes, retry: false)
                return
            } catch {
                // One bad write, or the database went away: isolate and retry write by write. After a
                // transient error the batch may have committed before the failure was seen, so inserts
                // check their keys first; a permanent error means the database rejected the batch.
                logger.debug("a batch of \(writes.count) writes failed; retrying them one by one: \(error)")
                retry = !Self.isPermanent(error)
            }
        }
        for write in writes { await self.processOne(write, retry: retry) }
    }

    private func processOne(_ write: TableWrite, retry firstIsRetry: Bool) async {
        var attempt = 1
        var retry = firstIsRetry
        while true {
            logger.trace("writing \(write.label), attempt \(attempt)")
            do {
                try await self.apply([write], retry: retry)
                return
            } catch {
                // After an abandoned attempt (a timeout) that transaction may still commit: its row then makes
                // this attempt's insert violate the key even though the existence check passed. That is not a
                // rejection; the next attempt's check sees the committed row and skips it.
                let abandonedAttemptCommitted = retry && (error as? StorageError)?.code == .constraintViolation
                if (Self.isPermanent(error) && !abandonedAttemptCommitted) || attempt >= configuration.maxAttempts {
                    await self.deadLetter(write, error: error, attempts: attempt)
                    return
                }
                retryCounter.increment()
                logger.debug("retrying \(write.label) after attempt \(attempt): \(error)")
                try? await Task.sleep(for: self.delay(after: attempt))
                attempt += 1
                retry = true
            }
        }
    }

    private func delay(after attempt: Int) -> Duration {
        let base = configuration.initialRetryDelay * (1 << min(attempt - 1, 20))
        let capped = min(base, configuration.maxRetryDelay)
        return capped * Double.random(in: 0.5...1.0)
    }

    /// Errors that retrying cannot fix: the write itself is wrong.
    static func isPermanent(_ error: any Error) -> Bool {
        guard let error = error as? StorageError else { return false }
        let permanent: [StorageError.Code] = [
            .invalidKey, .invalidIdentifier, .invalidPredicate, .invalidValue, .invalidSchema, .unknownTable,
            .unknownColumn, .schemaMismatch, .constraintViolation, .notSupported,
        ]
        return permanent.contains(error.code)
    }

    /// Applies writes in one transaction, each as its own user, abandoning the attempt after
    /// ``TableWriteConfiguration/operationTimeout``.
    private func apply(_ writes: [TableWrite], retry: Bool) async throws {
        try await Self.withDeadline(configuration.operationTimeout, label: writes.first?.label ?? "a write") {
            try await self.applyNow(writes, retry: retry)
        }
    }

    /// Runs `body`, throwing a transient error when it has not finished after `timeout`.
    ///
    /// A database client can leave a call suspended forever when the server goes away in the middle
    /// of it (seen with postgres-nio when PostgreSQL restarts). Such a call is cancelled and
    /// abandoned, and the write is retried; if the abandoned attempt commits after all, the retry's
    /// primary-key check (or the key's uniqueness) keeps the row single.
    static func withDeadline<Result: Sendable>(
        _ timeout: Duration,
        label: String,
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let state = DeadlineState<Result>()
        return try await withCheckedThrowingContinuation { continuation in
            state.continuation.withLock { $0 = continuation }
            let work = Task {
                let outcome: Swift.Result<Result, any Error>
                do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
                state.timer.withLock { $0?.cancel() }
                state.take()?.resume(with: outcome)
            }
            let clock = Task {
                guard (try? await Task.sleep(for: timeout)) != nil, let waiting = state.take() else { return }
                work.cancel()
                waiting.resume(
                    throwing: StorageError(
                        code: .backendFailure,
                        message: "writing \(label) did not finish within \(timeout); the attempt was abandoned"
                    )
                )
            }
            state.timer.withLock { $0 = clock }
        }
    }

    private func applyNow(_ writes: [TableWrite], retry: Bool) async throws {
        let steps = Self.coalesce(writes)
        if steps.count == 1, !retry {
            // One operation is atomic on its own (a multi-row insert is one statement or the store's own
            // transaction): no BEGIN/COMMIT round trips around it.
            try await User.withCurrent(steps[0].user) {
                try await Self.apply(steps[0].operation, on: self.store, retry: false)
            }
            return
        }
        try await store.withTransaction { transaction in
            for step in steps {
                try await User.withCurrent(step.user) {
                    try await Self.apply(step.operation, on: transaction, retry: retry)
                }
            }
        }
    }

    /// The writes' operations in order, with consecutive inserts into the same table by the same
    /// user merged into one call (one multi-row statement on PostgreSQL instead of one round trip
    /// per row).
    static func coalesce(_ writes: [TableWrite]) -> [(user: User?, operation: TableWrite.Operation)] {
        var steps: [(user: User?, operation: TableWrite.Operation)] = []
        for write in writes {
            for operation in write.operations {
                if case .insert(let table, let key, let rows) = operation, let last = steps.last,
                    last.user == write.user, case .insert(table, key, let earlier) = last.operation
                {
                    steps[steps.count - 1].operation = .insert(table: table, key: key, rows: earlier + rows)
                } else {
                    steps.append((write.user, operation))
                }
            }
        }
        return steps
    }

    private static func apply(_ operation: TableWrite.Operation, on operations: any TableOperations, retry: Bool) async throws {
        switch operation {
        case .insert(let table, let key, var rows):
            if retry {
                let keys = rows.compactMap { $0[key] }
                let present = try await operations.fetchPage(
                    TableQuery(table: table, predicate: .in(key, keys), columns: [key])
                ).rows.compactMap { $0[key] }
                rows.removeAll { row in row[key].map(present.contains) ?? false }
            }
            if !rows.isEmpty { try await operations.insert(into: table, rows: rows) }
        case .upsert(let table, let rows, let conflict):
            try await operations.upsert(into: table, rows: rows, onConflict: conflict)
        case .delete(let table, let predicate):
            _ = try await operations.delete(from: table, where: predicate)
        }
    }

    private func deadLetter(_ write: TableWrite, error: any Error, attempts: Int) async {
        deadLetterCounter.increment()
        let row: TableRow = [
            "id": .string(UUID().uuidString.lowercased()),
            "label": .string(write.label),
            "operations": .json(Self.json(write.operations)),
            "error": .string(String(describing: error)),
            "attempts": .integer(Int64(attempts)),
            "failed_at": .datetime(Date()),
        ]
        var saved = false
        for attempt in 1...3 where !saved {
            do {
                try await User.withCurrent(write.user) { try await store.insert(into: deadLetterTable, rows: [row]) }
                saved = true
            } catch {
                if attempt < 3 { try? await Task.sleep(for: .milliseconds(100 * attempt)) }
            }
        }
        logger.error(
            "a buffered write failed for good",
            metadata: [
                "write": "\(write.label)", "attempts": "\(attempts)", "error": "\(error)",
                "dead_lettered": "\(saved)",
            ]
        )
        failureSink.yield(
            TableWriteFailure(label: write.label, error: error, attempts: attempts, deadLettered: saved)
        )
    }

    /// The operations as JSON, for the dead-letter table.
    static func json(_ operations: [TableWrite.Operation]) -> JSONValue {
        .array(
            operations.map { operation in
                switch operation {
                case .insert(let table, _, let rows):
                    ["op": "insert", "table": .string(table), "rows": .array(rows.map(json))]
                case .upsert(let table, let rows, let conflict):
                    [
                        "op": "upsert", "table": .string(table), "rows": .array(rows.map(json)),
                        "conflict": .array(conflict.map(JSONValue.string)),
                    ]
                case .delete(let table, let predicate):
                    ["op": "delete", "table": .string(table), "predicate": .string(String(describing: predicate))]
                }
            }
        )
    }

    private static func json(_ row: TableRow) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (column, value) in row {
            switch value {
            case .null: object[column] = .null
            case .integer(let number): object[column] = .int(number)
            case .float(let number): object[column] = number.isFinite ? .double(number) : .string(String(number))
            case .string(let text): object[column] = .string(text)
            case .boolean(let flag): object[column] = .bool(flag)
            case .datetime(let date): object[column] = .double(date.timeIntervalSince1970)
            case .json(let json): object[column] = json
            }
        }
        return .object(object)
    }
}

/// The continuation of one ``TableWriter/withDeadline(_:label:_:)`` call, resumed exactly once by
/// whichever of the work and the timer finishes first, and the timer to cancel.
private final class DeadlineState<Result: Sendable>: Sendable {
    let continuation = Mutex<CheckedContinuation<Result, any Error>?>(nil)
    let timer = Mutex<Task<Void, Never>?>(nil)

    /// The continuation, once: later calls get `nil`.
    func take() -> CheckedContinuation<Result, any Error>? {
        continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
    }
}

extension TableWriter {
    /// The writer of a store configured by a run config reference: the reference's
    /// `max_write_queue_size` and `num_writers` tune the queue, and dead letters go to
    /// `<table_name>_dead_letters`.
    ///
    /// - Parameters:
    ///   - store: Where rows are written.
    ///   - reference: The store's reference (`inference` or `responses`).
    ///   - mode: Durable or buffered.
    ///   - logger: For retries and dead letters (never row contents).
    public convenience init(
        store: any TableStore,
        reference: InferenceStoreReference,
        mode: TableWriteMode,
        logger: Logger
    ) {
        self.init(
            store: store,
            mode: mode,
            configuration: TableWriteConfiguration(
                maxQueueSize: reference.maxWriteQueueSize,
                writerCount: reference.numWriters
            ),
            deadLetterTable: reference.tableName + "_dead_letters",
            logger: logger
        )
    }
}
