import CEmbeddingKernels
import Foundation

/// A sentence-transformers BERT model (all-MiniLM-L6-v2 and its kind) run in-process: text in, sentence vectors out.
///
/// Loads a model folder as sentence-transformers saves it — `config.json`, `model.safetensors`, `vocab.txt` (or
/// `tokenizer.json`), and
/// optionally `tokenizer_config.json`, `sentence_bert_config.json`, `1_Pooling/config.json`, `modules.json` — and
/// computes what `SentenceTransformer.encode` computes: WordPiece ids truncated to `max_seq_length`, the BERT
/// encoder, pooling (mean for MiniLM) and, when `modules.json` lists `Normalize`, unit length.
///
/// Immutable after loading and safe to share; concurrent `embed` calls run independently. Each call sorts its
/// texts by length, encodes them in batches of ``batchSize`` and spreads every batch over up to
/// ``maximumParallelism`` threads. The arithmetic runs on threads the embedder owns (one that runs batches in
/// arrival order, `maximumParallelism − 1` helpers), never on Swift's cooperative pool or Dispatch's global queues:
/// the calling task suspends while its batch computes, and other tasks keep running. The matrix
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
    /// Runs batches, one at a time, in arrival order.
    private let driver: ComputeThreads
    /// Run the other parts of each stage.
    private let helpers: ComputeThreads

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
        // `vocab.txt`, or the WordPiece vocabulary inside `tokenizer.json` when a folder has only that.
        let vocabularyPath: String
        let tokenizer: WordPieceTokenizer
        if !FileManager.default.fileExists(atPath: directory + "/vocab.txt"),
           FileManager.default.fileExists(atPath: directory + "/tokenizer.json") {
            vocabularyPath = directory + "/tokenizer.json"
            tokenizer = try WordPieceTokenizer(
                vocabulary: try WordPieceTokenizer.vocabulary(tokenizerJSONPath: vocabularyPath), lowercase: configuration.lowercase,
                stripAccents: configuration.stripAccents, splitChineseCharacters: configuration.splitChineseCharacters,
                source: vocabularyPath)
        } else {
            vocabularyPath = directory + "/vocab.txt"
            tokenizer = try WordPieceTokenizer(
                vocabularyPath: vocabularyPath, lowercase: configuration.lowercase,
                stripAccents: configuration.stripAccents, splitChineseCharacters: configuration.splitChineseCharacters)
        }
        guard tokenizer.vocabulary.count <= configuration.vocabularySize else {
            throw LocalEmbeddingsError.invalidFile(
                path: vocabularyPath,
                reason: "\(tokenizer.vocabulary.count) tokens, more than config.json's vocab_size \(configuration.vocabularySize)")
        }
        let file = try SafetensorsFile(path: directory + "/model.safetensors")
        self.forward = BertForwardPass(weights: try BertEncoderWeights(file: file, configuration: configuration), configuration: configuration)
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.batchSize = batchSize
        self.maximumParallelism = maximumParallelism ?? ProcessInfo.processInfo.activeProcessorCount
        self.driver = ComputeThreads(count: 1, name: "SentenceEmbedder")
        self.helpers = ComputeThreads(count: self.maximumParallelism - 1, name: "SentenceEmbedder-helper")
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.model = model ?? (trimmed.split(separator: "/").last.map(String.init) ?? trimmed)
    }

    deinit {
        driver.stop()
        helpers.stop()
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
        try Task.checkCancellation()
        guard !texts.isEmpty else { return [] }
        // Tokenizing, sorting and every batch run on the embedder's driver thread; cancelling the task sets a flag
        // the driver checks between batches.
        let cancelled = CancellationFlag()
        let vectors = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[[Float]]?, Never>) in
                let forward = self.forward, tokenizer = self.tokenizer, length = configuration.maximumSequenceLength
                let batchSize = self.batchSize, workers = maximumParallelism, helpers = self.helpers
                driver.submit {
                    continuation.resume(returning: Self.compute(
                        texts, tokenizer: tokenizer, maximumLength: length, forward: forward, batchSize: batchSize,
                        workers: workers, helpers: helpers, cancelled: cancelled))
                }
            }
        } onCancel: {
            cancelled.set()
        }
        guard let vectors else { throw CancellationError() }
        return vectors
    }

    /// The vectors of `texts` in input order, or nil when `cancelled` was set before the last batch.
    private static func compute(
        _ texts: [String], tokenizer: WordPieceTokenizer, maximumLength: Int, forward: BertForwardPass,
        batchSize: Int, workers: Int, helpers: ComputeThreads, cancelled: CancellationFlag
    ) -> [[Float]]? {
        let ids = texts.map { tokenizer.encode($0, maximumLength: maximumLength) }
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        var vectors = [[Float]](repeating: [], count: texts.count)
        var start = 0
        while start < order.count {
            if cancelled.isSet { return nil }
            let batch = Array(order[start..<min(start + batchSize, order.count)])
            let pooled = forward.run(batch.map { ids[$0] }, workers: workers, helpers: helpers)
            for (index, vector) in zip(batch, pooled) { vectors[index] = vector }
            start += batchSize
        }
        return vectors
    }
}

/// Set when the embedding task is cancelled; read by the driver thread between batches.
///
/// `@unchecked Sendable`: `value` is only read and written with `lock` held.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
