import StorageRefs
import Testing
import VectorIO

@Suite("Score fusion")
struct ScoreFusionTests {
    static func close(_ actual: Double?, _ expected: Double) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) < 1e-12
    }

    static func dictionary(_ scores: [ScoreFusion.Scored]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: scores.map { ($0.id, $0.score) })
    }

    @Test("min-max normalisation: range, all equal, empty")
    func normalize() {
        let scores = ScoreFusion.normalize([("a", 0.9), ("b", 0.5), ("c", 0.1)])
        #expect(Self.close(scores["a"], 1.0))
        #expect(Self.close(scores["b"], 0.5))
        #expect(Self.close(scores["c"], 0.0))
        #expect(ScoreFusion.normalize([("a", 3), ("b", 3)]) == ["a": 1.0, "b": 1.0])
        #expect(ScoreFusion.normalize([]).isEmpty)
    }

    @Test("RRF of ranks 1 and 3 with k=60 is 1/61 + 1/63")
    func reciprocalRank() {
        let fused = Self.dictionary(
            ScoreFusion.reciprocalRank(
                vector: [("x", 0.9), ("y", 0.8)],
                keyword: [("y", 12), ("z", 11), ("x", 3)],
                impactFactor: 60
            )
        )
        #expect(Self.close(fused["x"], 1.0 / 61 + 1.0 / 63))  // 0.0322664585…
        #expect(abs(fused["x"]! - 0.0322664585) < 1e-10)
        #expect(Self.close(fused["y"], 1.0 / 62 + 1.0 / 61))
        #expect(Self.close(fused["z"], 1.0 / 62))
    }

    @Test("RRF ranks equal scores in list order, then orders equal fused scores by id")
    func reciprocalRankTies() {
        let fused = ScoreFusion.reciprocalRank(vector: [("b", 1), ("a", 1)], keyword: [], impactFactor: 60)
        #expect(fused.map(\.id) == ["b", "a"])
        #expect(Self.close(fused[0].score, 1.0 / 61))
        #expect(Self.close(fused[1].score, 1.0 / 62))
        let tied = ScoreFusion.reciprocalRank(vector: [("b", 1)], keyword: [("a", 1)], impactFactor: 60)
        #expect(tied.map(\.id) == ["a", "b"])
    }

    @Test("weighted: alpha times normalised vector plus (1 - alpha) times normalised keyword")
    func weighted() {
        let fused = Self.dictionary(
            ScoreFusion.weighted(
                vector: [("a", 0.9), ("b", 0.5), ("c", 0.1)],
                keyword: [("b", 10), ("c", 5), ("d", 1)],
                alpha: 0.7
            )
        )
        // vector normalised: a 1, b 0.5, c 0; keyword normalised: b 1, c 4/9, d 0.
        #expect(Self.close(fused["a"], 0.7))
        #expect(Self.close(fused["b"], 0.7 * 0.5 + 0.3 * 1))
        #expect(Self.close(fused["c"], 0.3 * 4.0 / 9.0))
        #expect(Self.close(fused["d"], 0))
        let vectorOnly = ScoreFusion.weighted(vector: [("a", 0.9), ("b", 0.5)], keyword: [("b", 10), ("a", 1)], alpha: 1)
        #expect(vectorOnly.map(\.id) == ["a", "b"])
    }

    @Test("normalized: both lists normalised and added, missing counts 0")
    func normalized() {
        let fused = Self.dictionary(
            ScoreFusion.normalized(vector: [("a", 0.9), ("b", 0.5), ("c", 0.1)], keyword: [("b", 10), ("c", 5), ("d", 1)])
        )
        #expect(Self.close(fused["a"], 1))
        #expect(Self.close(fused["b"], 1.5))
        #expect(Self.close(fused["c"], 4.0 / 9.0))
        #expect(Self.close(fused["d"], 0))
    }

    @Test("rankers read llama-stack's {strategy, params}; unknown strategies fall back to RRF")
    func rankerParsing() throws {
        #expect(try Ranker(strategy: "rrf") == .reciprocalRank(impactFactor: 60))
        #expect(try Ranker(strategy: "rrf", params: ["k": 10]) == .reciprocalRank(impactFactor: 10))
        #expect(try Ranker(strategy: nil) == .reciprocalRank(impactFactor: 60))
        #expect(try Ranker(strategy: "mystery") == .reciprocalRank(impactFactor: 60))
        #expect(try Ranker(strategy: "weighted", params: ["weights": [0.3, 0.7]]) == .weighted(alpha: 0.3))
        #expect(try Ranker(strategy: "weighted") == .weighted(alpha: 0.5))
        #expect(try Ranker(strategy: "normalized") == .normalized)
        #expect(throws: VectorIOError.self) { try Ranker(strategy: "weighted", params: ["weights": [1.5]]) }
        #expect(throws: VectorIOError.self) { try Ranker(strategy: "weighted", params: ["weights": "x"]) }
        #expect(throws: VectorIOError.self) { try Ranker(strategy: "rrf", params: ["k": 0]) }
    }
}
