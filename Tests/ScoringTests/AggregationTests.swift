import Scoring
import Testing

@Suite("Aggregations")
struct AggregationTests {
    static func rows(_ scores: [ScoreValue]) -> [ScoreRow] { scores.map { ["score": $0] } }

    @Test("llama-stack's results on normal input")
    func normalInput() {
        #expect(Aggregation.accuracy.aggregate(Self.rows([1.0, 0.0, 1.0, true])) == ["accuracy": .double(0.75), "num_correct": .double(3), "num_total": .int(4)])
        #expect(Aggregation.average.aggregate(Self.rows([1, 2.5, 3.5])) == ["average": .double(7.0 / 3)])
        #expect(Aggregation.median.aggregate(Self.rows([3, 1, 2])) == ["median": .double(2)])
        #expect(Aggregation.median.aggregate(Self.rows([4, 1, 3, 2])) == ["median": .double(2.5)])
        #expect(Aggregation.weightedAverage.aggregate([["score": 1, "weight": 2], ["score": 0, "weight": 1], ["score": 0.5]]) == ["weighted_average": .double(2.5 / 4)])
        #expect(Aggregation.categoricalCount.aggregate(Self.rows([true, 1, 1.0, "a", "a", nil, 0.5])) == [
            "categorical_count": .counts(["True": 1, "1": 1, "1.0": 1, "a": 2, "None": 1, "0.5": 1]),
        ])
    }

    @Test("empty input has defined results, never a division by zero")
    func emptyInput() {
        #expect(Aggregation.accuracy.aggregate([]) == ["accuracy": .null, "num_correct": .double(0), "num_total": .int(0)])
        #expect(Aggregation.average.aggregate([]) == ["average": .null])
        #expect(Aggregation.weightedAverage.aggregate([]) == ["weighted_average": .null])
        #expect(Aggregation.categoricalCount.aggregate([]) == ["categorical_count": .counts([:])])
        #expect(Aggregation.median.aggregate([]) == ["median": .null])
    }

    @Test("unscored rows: skipped by average, median and weighted average; not correct for accuracy")
    func unscoredRows() {
        let allNull = Self.rows([nil, nil])
        #expect(Aggregation.average.aggregate(allNull) == ["average": .null])
        #expect(Aggregation.median.aggregate(allNull) == ["median": .null])
        #expect(Aggregation.accuracy.aggregate(allNull) == ["accuracy": .double(0), "num_correct": .double(0), "num_total": .int(2)])
        #expect(Aggregation.average.aggregate(Self.rows([1, nil, 3])) == ["average": .double(2)])
        // llama-stack counts the unscored row's weight (5) in the denominator: 2 / 8. Here it does not: 2 / 3.
        #expect(Aggregation.weightedAverage.aggregate([["score": 1, "weight": 2], ["score": 0, "weight": 1], ["score": nil, "weight": 5]]) == ["weighted_average": .double(2.0 / 3)])
        #expect(Aggregation.weightedAverage.aggregate([["score": 1, "weight": 0]]) == ["weighted_average": .null])
    }

    @Test("unknown aggregation names are a typed error listing the known ones")
    func unknownName() throws {
        #expect(try Aggregation(named: "weighted_average") == .weightedAverage)
        let error = #expect(throws: ScoringError.self) { try Aggregation(named: "mode") }
        #expect(error?.code == .unknownAggregation)
        #expect(error?.message.hasPrefix("Aggregation function mode not found") == true)
        #expect(error?.message.contains("categorical_count") == true)
    }

    @Test("scores print as Python's str()")
    func pythonStrings() {
        #expect([ScoreValue.bool(false), .int(-3), .double(2), .double(0.25), .double(1e20), .null].map(\.pythonString) == ["False", "-3", "2.0", "0.25", "1e+20", "None"])
    }
}
