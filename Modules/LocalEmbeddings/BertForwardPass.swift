import CEmbeddingKernels

/// Working memory of one forward pass over a packed batch.
///
/// `@unchecked Sendable`: the stage workers that share it write disjoint parts — row ranges in the row stages,
/// (sequence, head) column blocks of `context` and their own `scratch` slice in the attention stage — and every
/// stage ends when every part has returned (``ComputeThreads/parallel(_:_:)`` waits for them), before the next stage reads, so no float is
/// accessed by two threads at once and each read is ordered after the write it depends on. The memory is freed in
/// `deinit`, after the last stage returned.
final class ForwardBuffers: @unchecked Sendable {
    let hidden: UnsafeMutablePointer<Float>
    let qkv: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    let scratchStride: Int

    init(rows: Int, hidden h: Int, intermediate i: Int, workers: Int, longest: Int) {
        hidden = .allocate(capacity: rows * h)
        qkv = .allocate(capacity: rows * 3 * h)
        context = .allocate(capacity: rows * h)
        intermediate = .allocate(capacity: rows * i)
        scratchStride = longest
        scratch = .allocate(capacity: workers * longest)
    }

    deinit {
        hidden.deallocate()
        qkv.deallocate()
        context.deallocate()
        intermediate.deallocate()
        scratch.deallocate()
    }
}

/// One forward pass of the encoder over several sequences packed row after row, without padding.
///
/// Padding a batch to its longest sequence and masking the padded keys (what sentence-transformers does) gives
/// each real token the same attention as running its sequence alone, because masked keys get a weight of exactly
/// zero; packing computes exactly those rows and nothing else, so a batch costs the sum of its lengths. Row-local
/// work (embeddings, projections, feed-forward, layer norms) is split into contiguous row ranges, attention into
/// (sequence, head) pairs; each stage runs on the calling thread and up to `workers − 1` helper threads. The pass is
/// synchronous and blocks its thread: ``SentenceEmbedder`` runs it on a thread of its own.
struct BertForwardPass: Sendable {
    let weights: BertEncoderWeights
    let configuration: SentenceModelConfiguration

    /// The pooled (and, when configured, normalised) vector of each sequence, in order.
    ///
    /// - Precondition: every sequence is non-empty, no longer than `maximumPositions`, with ids below the vocabulary size.
    func run(_ sequences: [[Int32]], workers requested: Int, helpers: ComputeThreads) -> [[Float]] {
        let c = configuration
        let h = c.hiddenSize, inter = c.intermediateSize
        let starts = sequences.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let rows = starts.last!
        let longest = sequences.map(\.count).max() ?? 0
        // Fewer than ~8 rows per worker is not worth a thread.
        let workers = max(1, min(requested, rows / 8))
        let buffers = ForwardBuffers(rows: rows, hidden: h, intermediate: inter, workers: workers, longest: longest)
        let tokenIDs = sequences.flatMap { $0 }
        let positions = sequences.flatMap { 0..<$0.count }
        let ranges = (0..<workers).map { part in (rows * part / workers)..<(rows * (part + 1) / workers) }
        let attentionWork = Self.attentionAssignment(lengths: sequences.map(\.count), heads: c.headCount, workers: workers)
        let weights = self.weights

        // Embeddings, their layer norm and the first layer's Q, K, V.
        helpers.parallel(workers) { part in
            let range = ranges[part]
            guard !range.isEmpty else { return }
            weights.wordEmbeddings.withUnsafeBufferPointer { words in
                weights.positionEmbeddings.withUnsafeBufferPointer { positionTable in
                    weights.tokenTypeEmbeddings.withUnsafeBufferPointer { types in
                        for row in range {
                            let out = buffers.hidden + row * h
                            let word = words.baseAddress! + Int(tokenIDs[row]) * h
                            let position = positionTable.baseAddress! + positions[row] * h
                            for d in 0..<h { out[d] = word[d] + position[d] + types[d] }
                        }
                    }
                }
            }
            Self.layerNorm(buffers.hidden + range.lowerBound * h, rows: range.count, width: h,
                           weights.embeddingNormWeight, weights.embeddingNormBias, c.layerNormEpsilon)
            Self.projectQKV(weights.layers[0], buffers: buffers, range: range, hidden: h)
        }
        let scale = 1 / Float(c.headSize).squareRoot()
        for layerIndex in 0..<c.layerCount {
            let layer = weights.layers[layerIndex]
            helpers.parallel(workers) { part in
                let scratch = buffers.scratch + part * buffers.scratchStride
                for (sequence, head) in attentionWork[part] {
                    let start = starts[sequence], length = starts[sequence + 1] - start
                    let q = buffers.qkv + start * 3 * h + head * c.headSize
                    sk_attention_head(q, q + h, q + 2 * h, 3 * h, length, c.headSize, scale,
                                      buffers.context + start * h + head * c.headSize, h, scratch)
                }
            }
            let next = layerIndex + 1 < c.layerCount ? weights.layers[layerIndex + 1] : nil
            helpers.parallel(workers) { part in
                let range = ranges[part]
                guard !range.isEmpty else { return }
                let count = range.count
                let hidden = buffers.hidden + range.lowerBound * h
                let intermediate = buffers.intermediate + range.lowerBound * inter
                Self.gemm(count, h, h, buffers.context + range.lowerBound * h, h, layer.attentionOutput, layer.attentionOutputBias, hidden, h, accumulate: true)
                Self.layerNorm(hidden, rows: count, width: h, layer.attentionNormWeight, layer.attentionNormBias, c.layerNormEpsilon)
                Self.gemm(count, inter, h, hidden, h, layer.intermediate, layer.intermediateBias, intermediate, inter, accumulate: false)
                sk_gelu(intermediate, count * inter)
                Self.gemm(count, h, inter, intermediate, inter, layer.output, layer.outputBias, hidden, h, accumulate: true)
                Self.layerNorm(hidden, rows: count, width: h, layer.outputNormWeight, layer.outputNormBias, c.layerNormEpsilon)
                if let next { Self.projectQKV(next, buffers: buffers, range: range, hidden: h) }
            }
        }
        return (0..<sequences.count).map { index in
            Self.pool(buffers.hidden + starts[index] * h, rows: starts[index + 1] - starts[index], width: h,
                      mode: c.pooling, normalize: c.normalize)
        }
    }

    private static func projectQKV(_ layer: BertEncoderWeights.Layer, buffers: ForwardBuffers, range: Range<Int>, hidden h: Int) {
        gemm(range.count, 3 * h, h, buffers.hidden + range.lowerBound * h, h, layer.qkv, layer.qkvBias,
             buffers.qkv + range.lowerBound * 3 * h, 3 * h, accumulate: false)
    }

    private static func gemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ packed: [Float], _ bias: [Float],
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int, accumulate: Bool) {
        packed.withUnsafeBufferPointer { packed in
            bias.withUnsafeBufferPointer { bias in
                sk_gemm_packed(m, n, k, a, lda, packed.baseAddress, bias.baseAddress, c, ldc, accumulate ? 1 : 0)
            }
        }
    }

    private static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, _ gamma: [Float], _ beta: [Float], _ epsilon: Float) {
        gamma.withUnsafeBufferPointer { gamma in
            beta.withUnsafeBufferPointer { beta in
                sk_layer_norm(x, rows, width, width, gamma.baseAddress, beta.baseAddress, epsilon)
            }
        }
    }

    private static func pool(_ x: UnsafePointer<Float>, rows: Int, width: Int, mode: PoolingMode, normalize: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: width)
        switch mode {
        case .cls:
            for d in 0..<width { out[d] = x[d] }
        case .max:
            for d in 0..<width { out[d] = x[d] }
            for row in 1..<max(rows, 1) { for d in 0..<width { out[d] = Swift.max(out[d], x[row * width + d]) } }
        case .mean, .meanSqrtLength:
            for row in 0..<rows { for d in 0..<width { out[d] += x[row * width + d] } }
            let divisor = mode == .mean ? Float(rows) : Float(rows).squareRoot()
            for d in 0..<width { out[d] /= divisor }
        }
        if normalize {
            // sentence-transformers' Normalize: x / max(‖x‖, 1e-12).
            let norm = max(out.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            for d in 0..<width { out[d] /= norm }
        }
        return out
    }

    /// Splits every (sequence, head) pair among the workers, longest first to the least-loaded (cost ∝ length²).
    static func attentionAssignment(lengths: [Int], heads: Int, workers: Int) -> [[(Int, Int)]] {
        var assignment = [[(Int, Int)]](repeating: [], count: workers)
        var load = [Int](repeating: 0, count: workers)
        for sequence in lengths.indices.sorted(by: { lengths[$0] > lengths[$1] }) {
            for head in 0..<heads {
                let worker = load.indices.min { load[$0] < load[$1] }!
                assignment[worker].append((sequence, head))
                load[worker] += lengths[sequence] * lengths[sequence]
            }
        }
        return assignment
    }
}
