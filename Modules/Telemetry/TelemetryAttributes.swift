/// The span attribute names StackKit's instrumented modules use, for dashboards and queries.
///
/// Values are sizes, counts and identifiers of stored things — never secrets, keys' values or payload
/// bodies. A payload is described by its size (`stackkit.bytes`), a batch by its count.
public enum TelemetryAttributes {
    /// The store or table an operation works on: `stackkit.table` (a table name) or `stackkit.namespace` (a key prefix).
    public static let table = "stackkit.table"
    /// The key namespace of a key-value operation.
    public static let namespace = "stackkit.namespace"
    /// How many keys, rows or items an operation touched or returned.
    public static let count = "stackkit.count"
    /// The size in bytes of a payload written or read.
    public static let bytes = "stackkit.bytes"
    /// The model an inference call names (the caller's identifier).
    public static let model = "stackkit.model"
    /// The chunks a stream delivered, set when the stream ends or is abandoned.
    public static let chunkCount = "stackkit.stream.chunk_count"
    /// `true` when the consumer stopped iterating a stream before its end (cancelled or abandoned).
    public static let streamAbandoned = "stackkit.stream.abandoned"
    /// The HTTP status of a request's last attempt.
    public static let httpStatus = "http.response.status_code"
    /// How many attempts a request made, retries included.
    public static let attempts = "stackkit.attempts"
}

/// The metric labels StackKit's instrumented modules use.
public enum TelemetryMetrics {
    /// A timer per operation, dimensions `component` and `operation`.
    public static let operationDuration = "stackkit_operation_duration_seconds"
    /// A counter of failed operations, dimensions `component` and `operation`.
    public static let operationErrors = "stackkit_operation_errors_total"
}
