/// One backend's half of the key-value benchmark: how to measure ours and its baseline.
///
/// Each measure call starts from fresh state (a new database file, namespace or truncated table), fills it when the
/// operation reads data, runs `total` operations (timing only the loop), checks the results, and returns the
/// operations per second. Our run and its baseline get the same seed, so they draw the same random keys.
protocol KVSuite: Sendable {
    /// The backend measured.
    var backend: KVBackendKind { get }

    /// What the baseline is, for stderr.
    var baselineDescription: String { get }

    /// Measures our store: operations per second.
    func measureOurs(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double

    /// Measures the baseline at the same settings: operations per second.
    func measureBaseline(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double

    /// Closes connections and removes what the suite created (files, tables, keys).
    func shutdown() async
}
