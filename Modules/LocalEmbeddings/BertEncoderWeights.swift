import CEmbeddingKernels

/// The weights of a BERT encoder in the layout the kernels read: linear weights packed into 16-column panels,
/// Q, K and V fused into one matrix per layer.
///
/// Immutable after loading; arrays make it `Sendable` without further proof.
struct BertEncoderWeights: Sendable {
    struct Layer: Sendable {
        /// Q, K and V weights fused (`3·hidden × hidden`), packed.
        var qkv: [Float]
        var qkvBias: [Float]
        var attentionOutput: [Float]
        var attentionOutputBias: [Float]
        var attentionNormWeight: [Float]
        var attentionNormBias: [Float]
        var intermediate: [Float]
        var intermediateBias: [Float]
        var output: [Float]
        var outputBias: [Float]
        var outputNormWeight: [Float]
        var outputNormBias: [Float]
    }

    var wordEmbeddings: [Float]
    var positionEmbeddings: [Float]
    var tokenTypeEmbeddings: [Float]
    var embeddingNormWeight: [Float]
    var embeddingNormBias: [Float]
    var layers: [Layer]

    /// Reads every tensor of `configuration`'s architecture from `file`; names may carry a `bert.` prefix.
    ///
    /// - Throws: ``LocalEmbeddingsError/missingTensor(path:name:)`` or ``LocalEmbeddingsError/tensorShape(path:name:expected:found:)``.
    init(file: SafetensorsFile, configuration c: SentenceModelConfiguration) throws {
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] { try file.floats(prefix + name, shape: shape) }
        func packed(_ weight: [Float], rows: Int, columns: Int) -> [Float] {
            [Float](unsafeUninitializedCapacity: sk_packed_weights_count(rows, columns)) { buffer, count in
                weight.withUnsafeBufferPointer { sk_pack_weights($0.baseAddress, rows, columns, buffer.baseAddress) }
                count = sk_packed_weights_count(rows, columns)
            }
        }
        let h = c.hiddenSize, i = c.intermediateSize
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [c.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [c.maximumPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [c.tokenTypeCount, h])
        embeddingNormWeight = try tensor("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try tensor("embeddings.LayerNorm.bias", [h])
        layers = try (0..<c.layerCount).map { index in
            let base = "encoder.layer.\(index)."
            let qkv = try tensor(base + "attention.self.query.weight", [h, h])
                + tensor(base + "attention.self.key.weight", [h, h])
                + tensor(base + "attention.self.value.weight", [h, h])
            let qkvBias = try tensor(base + "attention.self.query.bias", [h])
                + tensor(base + "attention.self.key.bias", [h])
                + tensor(base + "attention.self.value.bias", [h])
            return Layer(
                qkv: packed(qkv, rows: 3 * h, columns: h),
                qkvBias: qkvBias,
                attentionOutput: packed(try tensor(base + "attention.output.dense.weight", [h, h]), rows: h, columns: h),
                attentionOutputBias: try tensor(base + "attention.output.dense.bias", [h]),
                attentionNormWeight: try tensor(base + "attention.output.LayerNorm.weight", [h]),
                attentionNormBias: try tensor(base + "attention.output.LayerNorm.bias", [h]),
                intermediate: packed(try tensor(base + "intermediate.dense.weight", [i, h]), rows: i, columns: h),
                intermediateBias: try tensor(base + "intermediate.dense.bias", [i]),
                output: packed(try tensor(base + "output.dense.weight", [h, i]), rows: h, columns: i),
                outputBias: try tensor(base + "output.dense.bias", [h]),
                outputNormWeight: try tensor(base + "output.LayerNorm.weight", [h]),
                outputNormBias: try tensor(base + "output.LayerNorm.bias", [h]))
        }
    }
}
