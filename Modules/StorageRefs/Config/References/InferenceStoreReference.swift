/// A reference to a store that takes writes on the request path (chat completions, responses), with the
/// tuning of its write queue.
///
/// Written in YAML as `{ backend: sql_default, table_name: inference_store, max_write_queue_size: 10000,
/// num_writers: 4 }`.
public struct InferenceStoreReference: Sendable, Hashable {
    /// Name of a `sql_*` backend in `storage.backends`.
    public var backend: String
    /// The table: `^[A-Za-z_][A-Za-z0-9_]*$`, at most 63 bytes.
    public var tableName: String
    /// Most writes waiting in the buffered write queue before callers wait (backpressure), at least 1.
    /// Default 10000.
    public var maxWriteQueueSize: Int
    /// Number of workers draining the write queue, at least 1. Default 4.
    public var numWriters: Int

    /// Creates a reference with llama-stack's defaults.
    public init(backend: String, tableName: String, maxWriteQueueSize: Int = 10_000, numWriters: Int = 4) {
        self.backend = backend
        self.tableName = tableName
        self.maxWriteQueueSize = maxWriteQueueSize
        self.numWriters = numWriters
    }

    /// The plain table reference (backend and table).
    public var tableReference: SQLStoreReference {
        SQLStoreReference(backend: backend, tableName: tableName)
    }
}

/// A reference to the responses store; the same shape as ``InferenceStoreReference``.
public typealias ResponsesStoreReference = InferenceStoreReference
