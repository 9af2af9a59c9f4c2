import Scoring
import Synchronization
import Testing

/// A function that never finishes on its own: it waits until cancelled.
struct StuckScoringFunction: ScoringFunction {
    let definition = ScoringFunctionDefinition(identifier: "test::stuck", description: "waits until cancelled", parameters: ScoringParameters(aggregations: [.average]))

    func scoreRow(_ row: InputRow, parameters: ScoringParameters) async throws -> ScoreRow {
        if row["stuck"] == true {
            try await Task.sleep(for: .seconds(3_600))  // ended by the scorer's time limit, through cancellation
        }
        return ["score": row["value"] ?? .null]
    }
}

/// A function that records how many rows it scores at once.
final class InFlightCounter: Sendable {
    let state = Mutex((current: 0, maximum: 0))
}

struct CountingScoringFunction: ScoringFunction {
    let definition = ScoringFunctionDefinition(identifier: "test::counting", description: "counts rows in flight")
    let counter: InFlightCounter

    func scoreRow(_ row: InputRow, parameters: ScoringParameters) async throws -> ScoreRow {
        counter.state.withLock { $0.current += 1; $0.maximum = max($0.maximum, $0.current) }
        await Task.yield()
        counter.state.withLock { $0.current -= 1 }
        return ["score": 1]
    }
}

@Suite("Scoring functions, registry and scorer")
struct ScorerTests {
    @Test("equality, subset-of and the multiple-choice parser score as llama-stack's")
    func basicFunctions() async throws {
        let scorer = try Scorer(registry: .basic())
        let rows: [InputRow] = [
            ["expected_answer": "Paris", "generated_answer": "Paris"],
            ["expected_answer": "Paris", "generated_answer": "It is Paris."],
            ["expected_answer": "B", "generated_answer": "Let me think. Answer: B"],
            ["expected_answer": "C", "generated_answer": "answer :ج"],
            ["expected_answer": "D", "generated_answer": "no answer here"],
        ]
        let results = try await scorer.score(rows: rows, functions: [
            "basic::equality": nil, "basic::subset_of": nil, "basic::regex_parser_multiple_choice_answer": nil,
        ])
        #expect(results["basic::equality"]?.scoreRows.map { $0["score"] } == [1.0, 0.0, 0.0, 0.0, 0.0])
        #expect(results["basic::subset_of"]?.scoreRows.map { $0["score"] } == [1.0, 1.0, 1.0, 0.0, 0.0])
        let parsed = try #require(results["basic::regex_parser_multiple_choice_answer"])
        #expect(parsed.scoreRows.map { $0["score"] } == [0.0, 0.0, 1.0, 1.0, 0.0])
        #expect(parsed.scoreRows.map { $0["extracted_answer"] } == [nil, nil, "B", "C", nil].map { $0.map(ScoreValue.string) ?? .null })
        #expect(parsed.aggregatedResults == ["accuracy": .double(0.4), "num_correct": .double(2), "num_total": .int(5)])
    }

    @Test("a row missing a field or a regex that does not compile is reported on its row; the others still score")
    func rowErrors() async throws {
        let scorer = try Scorer(registry: .basic())
        let results = try await scorer.score(
            rows: [["expected_answer": "A"], ["expected_answer": "A", "generated_answer": "A"], ["expected_answer": "A", "generated_answer": 3]],
            functions: ["basic::equality": nil]
        )
        let rows = try #require(results["basic::equality"]?.scoreRows)
        #expect(rows[0]["score"] == .null)
        #expect(rows[0]["error"]?.text?.contains("the row has no generated_answer") == true)
        #expect(rows[1]["score"] == 1.0)
        #expect(rows[2]["error"]?.text?.contains("generated_answer must be text") == true)
        let error = await #expect(throws: ScoringError.self) {
            _ = try await scorer.scoreRow(["expected_answer": "A", "generated_answer": "x"], function: "basic::regex_parser_multiple_choice_answer", parameters: ScoringParameters(parsingRegexes: ["(unclosed"]))
        }
        #expect(error?.code == .invalidParameter)
    }

    @Test("a row over its time limit is recorded as timed out, by cancellation, while the others finish")
    func timeLimit() async throws {
        let registry = try ScoringFunctionRegistry([StuckScoringFunction()])
        let scorer = try Scorer(registry: registry, maximumConcurrentRows: 4, rowTimeLimit: .milliseconds(100))
        let results = try await scorer.score(rows: [["value": 1], ["stuck": true], ["value": 3]], functions: ["test::stuck": nil])
        let result = try #require(results["test::stuck"])
        #expect(result.scoreRows[0]["score"] == 1)
        #expect(result.scoreRows[1]["score"] == .null)
        #expect(result.scoreRows[1]["error"]?.text?.contains("timedOut") == true)
        #expect(result.scoreRows[2]["score"] == 3)
        #expect(result.aggregatedResults == ["average": .double(2)])
    }

    @Test("no more rows than the limit are scored at once")
    func concurrencyLimit() async throws {
        let counter = InFlightCounter()
        let scorer = try Scorer(registry: try ScoringFunctionRegistry([CountingScoringFunction(counter: counter)]), maximumConcurrentRows: 3)
        let results = try await scorer.score(rows: Array(repeating: [:], count: 60), functions: ["test::counting": nil])
        #expect(results["test::counting"]?.scoreRows.count == 60)
        let maximum = counter.state.withLock { $0.maximum }
        #expect(maximum >= 1 && maximum <= 3)
        #expect(throws: ScoringError.self) { _ = try Scorer(registry: .basic(), maximumConcurrentRows: 0) }
    }

    @Test("registry: duplicates and missing functions are errors; call parameters never change a definition")
    func registry() async throws {
        let registry = ScoringFunctionRegistry.basic()
        let duplicate = await #expect(throws: ScoringError.self) { try await registry.register(EqualityScoringFunction()) }
        #expect(duplicate?.code == .duplicateFunction)
        let missing = await #expect(throws: ScoringError.self) { try await registry.unregister("basic::nothing") }
        #expect(missing?.code == .unknownFunction)
        let before = await registry.definitions()

        let scorer = try Scorer(registry: registry)
        let rows: [InputRow] = [["expected_answer": "a", "generated_answer": "a"], ["expected_answer": "a", "generated_answer": "b"]]
        let overridden = try await scorer.score(rows: rows, functions: ["basic::equality": ScoringParameters(aggregations: [.median, .categoricalCount])])
        #expect(overridden["basic::equality"]?.aggregatedResults == ["median": .double(0.5), "categorical_count": .counts(["1.0": 1, "0.0": 1])])
        #expect(await registry.definitions() == before)
        let defaults = try await scorer.score(rows: rows, functions: ["basic::equality": nil])
        #expect(defaults["basic::equality"]?.aggregatedResults.keys.sorted() == ["accuracy", "num_correct", "num_total"])

        try await registry.unregister("basic::equality")
        let gone = await #expect(throws: ScoringError.self) { _ = try await scorer.score(rows: rows, functions: ["basic::equality": nil]) }
        #expect(gone?.code == .unknownFunction)
    }
}
