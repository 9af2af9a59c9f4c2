/// Turns texts into embeddings; Memory declares it, applications supply it (a local model, an inference client).
public protocol Embedder: Sendable {
    /// The model name recorded with chunks.
    var model: String { get }
    /// The dimension of every embedding it returns.
    var dimension: Int { get }

    /// One embedding per text, in the order of `texts`.
    ///
    /// - Throws: Whatever the model reports; callers pass it on, never answer an empty result instead.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
