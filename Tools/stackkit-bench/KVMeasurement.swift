import Foundation

/// One row of the key-value benchmark: the medians of ours and of the baseline at one setting.
struct KVMeasurement: Sendable {
    var backend: KVBackendKind
    var operation: KVOperation
    var tasks: Int
    /// Operations per run.
    var count: Int
    /// Median operations per second of ours.
    var opsPerSecond: Double
    /// Median operations per second of the baseline.
    var baseline: Double

    /// ours / baseline.
    var ratio: Double { self.baseline > 0 ? self.opsPerSecond / self.baseline : 0 }

    /// The row as one JSON object, keys in the documented order.
    var jsonLine: String {
        JSONLine([
            ("suite", .string("kv")),
            ("backend", .string(self.backend.rawValue)),
            ("op", .string(self.operation.rawValue)),
            ("tasks", .integer(self.tasks)),
            ("n", .integer(self.count)),
            ("ops_per_s", .number(self.opsPerSecond, digits: 1)),
            ("baseline", .number(self.baseline, digits: 1)),
            ("ratio", .number(self.ratio, digits: 3)),
        ]).text
    }

    /// The median of `values` (the mean of the middle two for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile of `values` (`fraction` 0.99 for p99): the smallest value with at least that
    /// fraction of the values at or below it; 0 for none.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
    }
}
