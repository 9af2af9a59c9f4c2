/// How the scores of many rows combine into one result: llama-stack's aggregation functions, with every
/// empty case defined.
///
/// Each reads the `score` of every row (and `weight` for ``weightedAverage``); a row without a numeric
/// score (`null`, missing, text) is *unscored*.
/// - ``accuracy``: `{accuracy: correct / total, num_correct, num_total}` where `num_total` counts every row and
///   an unscored row counts as not correct (a timed-out answer is not a right one). No rows: `accuracy` is
///   `null`, counts 0 (llama-stack divides by zero).
/// - ``average``: `{average: mean of the scored rows}`; `null` when none is scored (llama-stack divides by zero).
/// - ``weightedAverage``: `{weighted_average: Σ score·weight / Σ weight}` over rows with a numeric score and a
///   numeric weight (a missing weight is 1); `null` when the weights sum to 0. llama-stack adds the weights of
///   unscored rows to the denominator; here they do not count.
/// - ``categoricalCount``: `{categorical_count: {str(score): count}}` over every row, unscored ones under
///   `"None"`, keys written as Python's `str()` writes them (`True`, `1`, `1.0`); `{}` for no rows.
/// - ``median``: `{median: the middle scored value, or the mean of the two middle ones}`; `null` when none
///   is scored.
public enum Aggregation: String, CaseIterable, Hashable, Sendable, Codable {
    case accuracy
    case average
    case weightedAverage = "weighted_average"
    case categoricalCount = "categorical_count"
    case median

    /// The aggregation named `name` (llama-stack's names).
    ///
    /// - Throws: ``ScoringError`` `unknownAggregation` (`Aggregation function X not found`), listing the names.
    public init(named name: String) throws(ScoringError) {
        guard let aggregation = Aggregation(rawValue: name) else {
            throw ScoringError(
                code: .unknownAggregation,
                message: "Aggregation function \(name) not found; known: \(Aggregation.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self = aggregation
    }

    /// The aggregate of `rows`.
    public func aggregate(_ rows: [ScoreRow]) -> AggregatedResult {
        let scores = rows.map { $0["score"]?.number }
        switch self {
        case .accuracy:
            let correct = scores.reduce(0) { $0 + ($1 ?? 0) }
            return [
                "accuracy": rows.isEmpty ? .null : .double(correct / Double(rows.count)),
                "num_correct": .double(correct),
                "num_total": .int(rows.count),
            ]
        case .average:
            let scored = scores.compactMap { $0 }
            return ["average": scored.isEmpty ? .null : .double(scored.reduce(0, +) / Double(scored.count))]
        case .weightedAverage:
            var total = 0.0
            var weights = 0.0
            for row in rows {
                guard let score = row["score"]?.number else { continue }
                let weight = row["weight"].map { $0.number } ?? 1
                guard let weight else { continue }
                total += score * weight
                weights += weight
            }
            return ["weighted_average": weights == 0 ? .null : .double(total / weights)]
        case .categoricalCount:
            var counts: [String: Int] = [:]
            for row in rows { counts[(row["score"] ?? .null).pythonString, default: 0] += 1 }
            return ["categorical_count": .counts(counts)]
        case .median:
            let scored = scores.compactMap { $0 }.sorted()
            guard !scored.isEmpty else { return ["median": .null] }
            let middle = scored.count / 2
            let value = scored.count % 2 == 1 ? scored[middle] : (scored[middle - 1] + scored[middle]) / 2
            return ["median": .double(value)]
        }
    }
}

/// A value of an aggregated result: a score value, or the counts of `categorical_count`.
public enum AggregatedValue: Hashable, Sendable {
    /// A number, count or `null`.
    case value(ScoreValue)
    /// Counts by category, sorted by key when listed.
    case counts([String: Int])

    /// `null`.
    public static let null = AggregatedValue.value(.null)

    /// A floating-point number.
    public static func double(_ value: Double) -> AggregatedValue { .value(.double(value)) }

    /// An integer.
    public static func int(_ value: Int) -> AggregatedValue { .value(.int(value)) }

    /// The number held, if any.
    public var number: Double? {
        if case .value(let value) = self { return value.number }
        return nil
    }
}

/// The result of one aggregation: its named values (`accuracy`, `num_correct`, …).
public typealias AggregatedResult = [String: AggregatedValue]
