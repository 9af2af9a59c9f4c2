public import LocalEmbeddings
public import Memory

/// The local sentence-transformers model as Memory's embedder: ``SentenceEmbedder`` already has the model name, the
/// dimension and `embed(_:)` Memory asks for (vectors in input order, one per text).
extension SentenceEmbedder: Embedder {}
