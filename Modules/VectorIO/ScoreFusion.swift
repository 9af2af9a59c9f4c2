/// Score fusion for hybrid search, with llama-stack's numbers (its `WeightedInMemoryAggregator`), and a working
/// `normalized` strategy.
///
/// Inputs are lists of `(id, score)` with higher scores better, each id at most once per list. Outputs are sorted by
/// fused score descending, equal scores by id ascending, so results are deterministic.
public enum ScoreFusion {
    /// One scored id.
    public typealias Scored = (id: String, score: Double)

    /// Min-max normalisation: `(s − min) / (max − min)`; when every score is equal, each becomes 1.0; empty stays
    /// empty.
    public static func normalize(_ scores: [Scored]) -> [String: Double] {
        guard let low = scores.map(\.score).min(), let high = scores.map(\.score).max() else { return [:] }
        let range = high - low
        var result: [String: Double] = [:]
        for item in scores {
            result[item.id] = range > 0 ? (item.score - low) / range : 1.0
        }
        return result
    }

    /// `alpha · normalised vector + (1 − alpha) · normalised keyword`, a missing score counting 0.
    public static func weighted(vector: [Scored], keyword: [Scored], alpha: Double) -> [Scored] {
        let v = normalize(vector)
        let k = normalize(keyword)
        return sorted(ids(vector, keyword).map { id in (id, alpha * (v[id] ?? 0) + (1 - alpha) * (k[id] ?? 0)) })
    }

    /// Reciprocal-rank fusion: `Σ 1 / (impactFactor + rank)`, ranks from 1 by score descending within each list;
    /// equal scores keep their order in the list (as Python's stable sort does).
    public static func reciprocalRank(vector: [Scored], keyword: [Scored], impactFactor: Double = 60) -> [Scored] {
        let vectorRanks = ranks(vector)
        let keywordRanks = ranks(keyword)
        return sorted(
            ids(vector, keyword).map { id in
                let fromVector = vectorRanks[id].map { 1 / (impactFactor + Double($0)) } ?? 0
                let fromKeyword = keywordRanks[id].map { 1 / (impactFactor + Double($0)) } ?? 0
                return (id, fromVector + fromKeyword)
            }
        )
    }

    /// Normalises both lists and adds them, a missing score counting 0.
    public static func normalized(vector: [Scored], keyword: [Scored]) -> [Scored] {
        let v = normalize(vector)
        let k = normalize(keyword)
        return sorted(ids(vector, keyword).map { id in (id, (v[id] ?? 0) + (k[id] ?? 0)) })
    }

    /// Fuses with `ranker`.
    public static func combine(vector: [Scored], keyword: [Scored], ranker: Ranker) -> [Scored] {
        switch ranker {
        case .reciprocalRank(let impactFactor): reciprocalRank(vector: vector, keyword: keyword, impactFactor: impactFactor)
        case .weighted(let alpha): weighted(vector: vector, keyword: keyword, alpha: alpha)
        case .normalized: normalized(vector: vector, keyword: keyword)
        }
    }

    private static func ranks(_ scores: [Scored]) -> [String: Int] {
        // A stable sort by score descending; ties keep the list's order.
        let order = scores.indices.sorted { lhs, rhs in
            scores[lhs].score != scores[rhs].score ? scores[lhs].score > scores[rhs].score : lhs < rhs
        }
        var ranks: [String: Int] = [:]
        for (position, index) in order.enumerated() where ranks[scores[index].id] == nil {
            ranks[scores[index].id] = position + 1
        }
        return ranks
    }

    private static func ids(_ first: [Scored], _ second: [Scored]) -> [String] {
        var seen = Set<String>()
        return (first + second).map(\.id).filter { seen.insert($0).inserted }
    }

    private static func sorted(_ scores: [Scored]) -> [Scored] {
        scores.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }
}
