import Foundation

/// Prints result rows to stdout as they complete: JSON lines, or an aligned table.
struct ResultTable {
    let json: Bool
    private var printedHeader = false

    private static let columns: [(title: String, width: Int)] = [
        ("backend", 9), ("op", 10), ("tasks", 6), ("n", 9), ("ops/s", 14), ("baseline", 14), ("ratio", 7),
    ]

    init(json: Bool) {
        self.json = json
    }

    mutating func print(_ row: KVMeasurement) {
        if self.json {
            Self.write(row.jsonLine)
            return
        }
        if !self.printedHeader {
            self.printedHeader = true
            Self.write(Self.line(Self.columns.map(\.title)))
            Self.write(String(repeating: "-", count: Self.columns.reduce(0) { $0 + $1.width + 2 } - 2))
        }
        Self.write(
            Self.line([
                row.backend.rawValue, row.operation.rawValue, String(row.tasks), String(row.count),
                String(format: "%.1f", row.opsPerSecond), String(format: "%.1f", row.baseline),
                String(format: "%.3f", row.ratio),
            ])
        )
    }

    /// Writes a line to stdout at once, so results appear while the benchmark continues.
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Text columns left-aligned, numbers right-aligned.
    private static func line(_ cells: [String]) -> String {
        zip(cells, Self.columns).enumerated().map { index, pair in
            let padding = String(repeating: " ", count: max(0, pair.1.width - pair.0.count))
            return index < 2 ? pair.0 + padding : padding + pair.0
        }.joined(separator: "  ")
    }
}
