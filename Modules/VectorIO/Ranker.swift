public import StorageRefs

/// How a hybrid query fuses its vector and keyword scores (``ScoreFusion``).
public enum Ranker: Hashable, Sendable {
    /// Reciprocal-rank fusion: `Σ 1 / (impactFactor + rank)` over the lists a chunk appears in (rank 1 is the best).
    case reciprocalRank(impactFactor: Double)
    /// `alpha · vector + (1 − alpha) · keyword` on min-max-normalised scores; a chunk missing from a list counts 0
    /// there. `alpha` 1 is vector only, 0 keyword only.
    case weighted(alpha: Double)
    /// Both lists min-max-normalised, then added; a chunk missing from a list counts 0 there.
    case normalized

    /// Reciprocal-rank fusion with llama-stack's default impact factor, 60.
    public static let `default` = Ranker.reciprocalRank(impactFactor: 60)

    /// Reads a ranker the way llama-stack's `query_chunks` reads `{strategy, params}`.
    ///
    /// - `"weighted"`: `alpha` is `params.weights[0]` (default 0.5).
    /// - `"normalized"`: no parameters.
    /// - `"rrf"` and any other strategy: `impactFactor` is `params.k` (default 60); an unknown strategy falls back
    ///   to reciprocal-rank fusion, as llama-stack does.
    ///
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidArgument`` naming the parameter
    ///   when `weights` is not an array of numbers, `alpha` is outside [0, 1], or `k` is not a positive number.
    public init(strategy: String?, params: [String: JSONValue] = [:]) throws(VectorIOError) {
        switch strategy {
        case "weighted":
            var alpha = 0.5
            if let weights = params["weights"] {
                guard case .array(let values) = weights, values.allSatisfy({ $0.doubleValue != nil }) else {
                    throw .invalidArgument("ranker.params.weights: expected an array of numbers")
                }
                if let first = values.first?.doubleValue { alpha = first }
            }
            guard (0...1).contains(alpha) else {
                throw .invalidArgument("ranker.params.weights[0]: alpha \(alpha) is outside [0, 1]")
            }
            self = .weighted(alpha: alpha)
        case "normalized":
            self = .normalized
        default:
            var impactFactor = 60.0
            if let k = params["k"] {
                guard let value = k.doubleValue, value > 0, value.isFinite else {
                    throw .invalidArgument("ranker.params.k: expected a positive number")
                }
                impactFactor = value
            }
            self = .reciprocalRank(impactFactor: impactFactor)
        }
    }

    /// Checks the parameters.
    ///
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidArgument`` for an impact
    ///   factor that is not positive and finite, or an alpha outside [0, 1].
    public func validate() throws(VectorIOError) {
        switch self {
        case .reciprocalRank(let impactFactor):
            guard impactFactor > 0, impactFactor.isFinite else {
                throw .invalidArgument("ranker: impact factor \(impactFactor) must be a positive number")
            }
        case .weighted(let alpha):
            guard (0...1).contains(alpha) else { throw .invalidArgument("ranker: alpha \(alpha) is outside [0, 1]") }
        case .normalized:
            break
        }
    }
}
