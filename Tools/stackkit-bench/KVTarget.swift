/// A performance target of the key-value stores, and whether a run met it.
struct KVTarget: Sendable {
    /// A short identifier, such as `sqlite_get`.
    var name: String
    /// The requirement, for people.
    var requirement: String
    /// Every value checked against the threshold, labelled (`get tasks=8`); empty when nothing was measured.
    var values: [(label: String, value: Double)]
    /// The least value that meets the target.
    var threshold: Double

    /// Whether every value meets the threshold; `nil` when nothing was measured.
    var met: Bool? {
        self.values.isEmpty ? nil : self.values.allSatisfy { $0.value >= self.threshold }
    }

    /// The smallest value and its label.
    var worst: (label: String, value: Double)? {
        self.values.min { $0.value < $1.value }
    }

    /// One line for stderr.
    var summary: String {
        guard let met, let worst else { return "[not measured] \(self.requirement)" }
        let failing = self.values.filter { $0.value < self.threshold }
            .map { "\($0.label) \(Self.format($0.value))" }
        var line =
            "[\(met ? "met" : "NOT met")] \(self.requirement): worst \(Self.format(worst.value)) (\(worst.label))"
        if !failing.isEmpty {
            line += "; below: " + failing.joined(separator: ", ")
        }
        return line
    }

    /// The target as a JSON object.
    var json: JSONLine {
        JSONLine([
            ("target", .string(self.name)),
            ("requirement", .string(self.requirement)),
            ("met", self.met.map { .bool($0) } ?? .null),
            ("worst", self.worst.map { .number($0.value, digits: 3) } ?? .null),
            ("worst_at", self.worst.map { .string($0.label) } ?? .null),
        ])
    }

    private static func format(_ value: Double) -> String {
        String(Double(Int((value * 1000).rounded())) / 1000) + "x"
    }

    /// The targets, evaluated on the rows of one run.
    static func evaluate(_ rows: [KVMeasurement]) -> [KVTarget] {
        func ratios(_ backend: KVBackendKind, _ operations: [KVOperation]) -> [(label: String, value: Double)] {
            rows.filter { $0.backend == backend && operations.contains($0.operation) }
                .map { ("\($0.operation.rawValue) tasks=\($0.tasks)", $0.ratio) }
        }
        var scaling: [(label: String, value: Double)] = []
        for operation in KVOperation.allCases {
            let postgres = rows.filter { $0.backend == .postgres && $0.operation == operation }
            if let one = postgres.first(where: { $0.tasks == 1 }), let many = postgres.first(where: { $0.tasks == 64 }),
                one.opsPerSecond > 0
            {
                scaling.append(("\(operation.rawValue) 64 vs 1 tasks", many.opsPerSecond / one.opsPerSecond))
            }
        }
        return [
            KVTarget(
                name: "sqlite_get",
                requirement: "SQLite get >= 0.5x the raw SQLite loop",
                values: ratios(.sqlite, [.get]),
                threshold: 0.5
            ),
            KVTarget(
                name: "sqlite_set",
                requirement: "SQLite set >= 0.7x the raw SQLite loop",
                values: ratios(.sqlite, [.set]),
                threshold: 0.7
            ),
            KVTarget(
                name: "postgres_ratio",
                requirement: "PostgreSQL >= 0.8x the bare postgres-nio loop (every op and task count)",
                values: ratios(.postgres, KVOperation.allCases),
                threshold: 0.8
            ),
            KVTarget(
                name: "postgres_scaling",
                requirement: "PostgreSQL throughput at 64 tasks >= 5x at 1 task (every op)",
                values: scaling,
                threshold: 5
            ),
            KVTarget(
                name: "redis_ratio",
                requirement: "Redis >= 0.5x redis-benchmark (every op and task count)",
                values: ratios(.redis, KVOperation.allCases),
                threshold: 0.5
            ),
        ]
    }
}
