import CEmbeddingKernels
import Dispatch
import Foundation

/// A sentence-transformers BERT model (all-MiniLM-L6-v2 and its kind) run in-process: text in, sentence vectors out.
///
/// Loads a model folder as sentence-transformers saves it — `config.json`, `model.safetensors`, `vocab.txt`, and
/// optionally `tokenizer_config.json`, `sentence_bert_config.json`, `1_Pooling/config.json`, `modules.json` — and
/// computes what `SentenceTransformer.encode` computes: WordPiece ids truncated to `max_seq_length`, the BERT
/// encoder, pooling (mean for MiniLM) and, when `modules.json` lists `Normalize`, unit length.
///
/// Immutable after loading and safe to share; concurrent `embed` calls run independently. Each call sorts its
/// texts by length, encodes them in batches of ``batchSize`` and spreads every batch over up to
/// ``maximumParallelism`` threads. The arithmetic runs on Dispatch's global worker threads, not on Swift's
/// cooperative pool: the calling task suspends while a batch computes, and other tasks keep running. The matrix
/// kernels pick AVX-512, AVX2+FMA or portable code at run time (``kernelLevel``).
public final class SentenceEmbedder: Sendable {
    /// The name recorded with embeddings (the folder's name unless given).
    public let model: String
    /// What the model folder declares.
    public let configuration: SentenceModelConfiguration
    /// The model's tokenizer.
    public let tokenizer: WordPieceTokenizer
    /// Texts per forward pass.
    public let batchSize: Int
    /// Threads a forward pass is spread over.
    public let maximumParallelism: Int
    let forward: BertForwardPass

    /// Loads the model folder at `directory`, reading it on the calling thread (~90 MB for MiniLM).
    ///
    /// From async code prefer ``load(directory:model:batchSize:maximumParallelism:)``, which reads on a thread of
    /// its own.
    ///
    /// - Parameters:
    ///   - model: The name reported by ``model``; the folder's last path component when nil.
    ///   - batchSize: Texts per forward pass (≥ 1); bounds memory, like sentence-transformers' `batch_size`.
    ///   - maximumParallelism: Threads per forward pass (≥ 1); the active processor count when nil.
    /// - Throws: ``LocalEmbeddingsError`` naming the file, field or tensor at fault.
    public init(directory: String, model: String? = nil, batchSize: Int = 32,
                maximumParallelism: Int? = nil) throws {
        precondition(batchSize >= 1, "batchSize must be at least 1")
        precondition((maximumParallelism ?? 1) >= 1, "maximumParallelism must be at least 1")
        let configuration = try SentenceModelConfiguration(directory: directory)
        let tokenizer = try WordPieceTokenizer(
            vocabularyPath: directory + "/vocab.txt", lowercase: configuration.lowercase,
            stripAccents: configuration.stripAccents, splitChineseCharacters: configuration.splitChineseCharacters)
        guard tokenizer.vocabulary.count <= configuration.vocabularySize else {
            throw LocalEmbeddingsError.invalidFile(
                path: directory + "/vocab.txt",
                reason: "\(tokenizer.vocabulary.count) tokens, more than config.json's vocab_size \(configuration.vocabularySize)")
        }
        let file = try SafetensorsFile(path: directory + "/model.safetensors")
        self.forward = BertForwardPass(weights: try BertEncoderWeights(file: file, configuration: configuration), configuration: configuration)
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.batchSize = batchSize
        self.maximumParallelism = maximumParallelism ?? ProcessInfo.processInfo.activeProcessorCount
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.model = model ?? (trimmed.split(separator: "/").last.map(String.init) ?? trimmed)
    }

    /// Loads the model folder at `directory` on a dedicated thread, keeping the file reads off the concurrency pool.
    ///
    /// - Throws: ``LocalEmbeddingsError`` naming the file, field or tensor at fault.
    public static func load(directory: String, model: String? = nil, batchSize: Int = 32,
                            maximumParallelism: Int? = nil) async throws -> SentenceEmbedder {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    try SentenceEmbedder(directory: directory, model: model, batchSize: batchSize, maximumParallelism: maximumParallelism)
                })
            }
            thread.name = "SentenceEmbedder.load"
            thread.start()
        }
    }

    /// The dimension of every vector (`hidden_size`, 384 for MiniLM).
    public var dimension: Int { configuration.hiddenSize }

    /// The instruction-set level the kernels run at on this CPU: `portable`, `avx2+fma` or `avx512`.
    public static var kernelLevel: String {
        switch sk_embed_best_level() {
        case SK_EMBED_AVX512: return "avx512"
        case SK_EMBED_AVX2_FMA: return "avx2+fma"
        default: return "portable"
        }
    }

    /// The ids the model reads for `text`: `[CLS]`, word pieces cut to fit, `[SEP]`.
    public func tokenIDs(_ text: String) -> [Int32] {
        tokenizer.encode(text, maximumLength: configuration.maximumSequenceLength)
    }

    /// One vector per text, in the order of `texts`; unit length when the model normalises.
    ///
    /// An empty text embeds `[CLS] [SEP]`, as in sentence-transformers. Texts longer than the model's
    /// `max_seq_length` in word pieces are truncated, not rejected.
    ///
    /// - Throws: `CancellationError` when the task is cancelled (checked between batches).
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let ids = texts.map(tokenIDs)
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        var vectors = [[Float]](repeating: [], count: texts.count)
        var start = 0
        while start < order.count {
            try Task.checkCancellation()
            let batch = Array(order[start..<min(start + batchSize, order.count)])
            let sequences = batch.map { ids[$0] }
            let forward = self.forward, workers = maximumParallelism
            let pooled = await withCheckedContinuation { (continuation: CheckedContinuation<[[Float]], Never>) in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(returning: forward.run(sequences, workers: workers))
                }
            }
            for (index, vector) in zip(batch, pooled) { vectors[index] = vector }
            start += batchSize
        }
        return vectors
    }
}
