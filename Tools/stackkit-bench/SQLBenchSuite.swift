/// One backend of the table-store benchmark: our store and its raw baseline.
protocol SQLBenchSuite: Sendable {
    /// `sqlite` or `postgres`.
    var backend: String { get }
    /// What the baseline is, for stderr.
    var baselineDescription: String { get }
    /// Operations per second of ours.
    func measureOurs(_ operation: SQLOperation, total: Int, run: Int) async throws -> Double
    /// Operations per second of the baseline, with the same random choices.
    func measureBaseline(_ operation: SQLOperation, total: Int, run: Int) async throws -> Double
    /// Closes everything and removes what the suite created.
    func shutdown() async
}

extension SQLOperation {
    /// The seed of one measurement, shared by ours and the baseline.
    func seed(run: Int) -> UInt64 {
        0x5E1D_0000_0000_0000 | UInt64(run) << 32 | UInt64(SQLOperation.allCases.firstIndex(of: self) ?? 0) << 24
    }
}
