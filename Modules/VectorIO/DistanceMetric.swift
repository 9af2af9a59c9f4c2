/// How an index compares a query vector with a stored one; every metric gives a score where higher is closer.
public enum DistanceMetric: String, Hashable, Sendable, CaseIterable, Codable {
    /// Cosine similarity, in [-1, 1]. A zero vector has similarity 0 with everything.
    case cosine
    /// The dot product.
    case dotProduct = "dot_product"
    /// Euclidean distance `d`, scored as `1 / (1 + d)`, in (0, 1].
    case euclidean = "l2"
}
