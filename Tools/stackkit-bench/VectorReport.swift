import Foundation

/// Prints the vector benchmark's results: a table, or JSON lines (`{"suite":"vector","op":…,"ops_per_s":…,
/// "baseline":…,"ratio":…}` plus the peers' figures); notes go to stderr.
struct VectorReport {
    let json: Bool
    private var headerPrinted = false

    init(json: Bool) {
        self.json = json
    }

    func note(_ text: String) {
        FileHandle.standardError.write(Data(("# " + text + "\n").utf8))
    }

    mutating func search(_ op: String, ours: Double, baseline: Double, peers: [(String, Double)]) {
        var fields: [(String, JSONLine.Value)] = [
            ("suite", .string("vector")), ("backend", .string("flat")), ("op", .string(op)), ("unit", .string("queries/s")),
            ("ops_per_s", .number(ours, digits: 1)), ("baseline", .number(baseline, digits: 1)),
            ("ratio", .number(ours / baseline, digits: 2)),
        ]
        for (peer, rate) in peers {
            fields.append((peer, .number(rate, digits: 1)))
            fields.append(("ratio_vs_\(peer)", .number(ours / rate, digits: 2)))
        }
        emit(fields, table: [op, "queries/s", format(ours), format(baseline), String(format: "%.2f", ours / baseline)]
            + peers.map { "\($0.0) \(format($0.1)) (×\(String(format: "%.2f", ours / $0.1)))" })
    }

    mutating func measure(_ op: String, unit: String, ours: Double, baseline: Double?) {
        var fields: [(String, JSONLine.Value)] = [
            ("suite", .string("vector")), ("backend", .string("sqlite")), ("op", .string(op)), ("unit", .string(unit)),
            ("ops_per_s", .number(ours, digits: 1)),
        ]
        if let baseline {
            fields.append(("baseline", .number(baseline, digits: 1)))
            fields.append(("ratio", .number(ours / baseline, digits: 2)))
        }
        emit(fields, table: [op, unit, format(ours), baseline.map(format) ?? "-", baseline.map { String(format: "%.2f", ours / $0) } ?? "-"])
    }

    mutating func latency(_ op: String, ours: [Double], baseline: [Double]) {
        let oursMedian = KVMeasurement.median(ours), baselineMedian = KVMeasurement.median(baseline)
        let oursP99 = KVMeasurement.percentile(ours, 0.99), baselineP99 = KVMeasurement.percentile(baseline, 0.99)
        emit(
            [
                ("suite", .string("vector")), ("backend", .string("sqlite")), ("op", .string(op)), ("unit", .string("ms")),
                ("n", .integer(ours.count)), ("median_ms", .number(oursMedian, digits: 3)), ("p99_ms", .number(oursP99, digits: 3)),
                ("baseline_median_ms", .number(baselineMedian, digits: 3)), ("baseline_p99_ms", .number(baselineP99, digits: 3)),
                ("ratio", .number(oursMedian / baselineMedian, digits: 2)),
            ],
            table: [op, "ms median/p99", "\(format(oursMedian))/\(format(oursP99))", "\(format(baselineMedian))/\(format(baselineP99))",
                    String(format: "%.2f", oursMedian / baselineMedian)]
        )
    }

    func finish() {}

    private mutating func emit(_ fields: [(String, JSONLine.Value)], table: [String]) {
        if json {
            print(JSONLine(fields).text)
        } else {
            if !headerPrinted {
                print(["op", "unit", "ours", "baseline", "ratio", "peers"].joined(separator: " | "))
                headerPrinted = true
            }
            print(table.joined(separator: " | "))
        }
    }

    private func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.3g", value)
    }
}
