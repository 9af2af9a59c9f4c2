/// One row of the table-store benchmark: the medians of ours and of the baseline for one operation.
struct SQLMeasurement: Sendable {
    var backend: String
    var operation: SQLOperation
    /// Operations per run (rows for `batch_insert`).
    var count: Int
    /// Median operations per second of ours.
    var opsPerSecond: Double
    /// Median operations per second of the baseline.
    var baseline: Double

    /// ours / baseline.
    var ratio: Double { self.baseline > 0 ? self.opsPerSecond / self.baseline : 0 }

    /// The row as one JSON object, with the key-value suite's keys (`tasks` is always 1) and milliseconds per
    /// operation.
    var jsonLine: String {
        JSONLine([
            ("suite", .string("sql")),
            ("backend", .string(self.backend)),
            ("op", .string(self.operation.rawValue)),
            ("tasks", .integer(1)),
            ("n", .integer(self.count)),
            ("ops_per_s", .number(self.opsPerSecond, digits: 1)),
            ("baseline", .number(self.baseline, digits: 1)),
            ("ratio", .number(self.ratio, digits: 3)),
            ("ms_per_op", .number(self.opsPerSecond > 0 ? 1_000 / self.opsPerSecond : 0, digits: 4)),
        ]).text
    }
}

/// The table-store targets (issue 4), evaluated on one run's rows.
enum SQLTargets {
    /// llama-stack's figures measured on this machine: inserts per second and milliseconds per page of 50.
    static let llamaStack: [String: (insertsPerSecond: Double, msPerPage: Double)] = [
        "sqlite": (576, 24), "postgres": (902, 4.8),
    ]

    static func evaluate(_ rows: [SQLMeasurement]) -> [KVTarget] {
        var targets: [KVTarget] = []
        for backend in ["sqlite", "postgres"] {
            let measured = rows.filter { $0.backend == backend }
            guard let reference = Self.llamaStack[backend] else { continue }
            func row(_ operation: SQLOperation) -> SQLMeasurement? {
                measured.first { $0.operation == operation }
            }
            targets.append(
                KVTarget(
                    name: "\(backend)_insert_vs_llama_stack",
                    requirement: "\(backend) single insert >= 20x llama-stack's \(Int(reference.insertsPerSecond))/s",
                    values: row(.insert).map { [("insert", $0.opsPerSecond / reference.insertsPerSecond)] } ?? [],
                    threshold: 20
                )
            )
            targets.append(
                KVTarget(
                    name: "\(backend)_page_vs_llama_stack",
                    requirement: "\(backend) page of 50 >= 20x faster than llama-stack's \(reference.msPerPage) ms",
                    values: [SQLOperation.page, .pageACL].compactMap { operation in
                        row(operation).map { (operation.rawValue, $0.opsPerSecond * reference.msPerPage / 1_000) }
                    },
                    threshold: 20
                )
            )
            targets.append(
                KVTarget(
                    name: "\(backend)_batch_insert",
                    requirement: "\(backend) batch insert >= 0.5x the raw rows per second",
                    values: row(.batchInsert).map { [("batch_insert", $0.ratio)] } ?? [],
                    threshold: 0.5
                )
            )
            var decorator: [(label: String, value: Double)] = []
            if let page = row(.page), let guarded = row(.pageACL), page.opsPerSecond > 0 {
                decorator.append(("page_acl vs page", guarded.opsPerSecond / page.opsPerSecond))
            }
            targets.append(
                KVTarget(
                    name: "\(backend)_decorator_cost",
                    requirement: "\(backend) access decorator costs <= 1.5x on a page (page_acl/page >= 0.667)",
                    values: decorator,
                    threshold: 1 / 1.5
                )
            )
        }
        return targets
    }
}
