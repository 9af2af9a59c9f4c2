import Foundation
import LocalEmbeddings

/// A small random BERT written as a sentence-transformers folder, to test loading, errors and the forward pass
/// without the real model.
struct TinyBertFolder {
    var hidden = 36, heads = 3, layers = 2, intermediate = 20, positions = 16
    var vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "sat", "on", "mat", ".", "dog", "##s"]
    var pooling = "pooling_mode_mean_tokens"
    var normalize = true
    var maxSequenceLength = 10
    var configOverrides: [String: Any] = [:]
    var modules: [[String: Any]]? = nil
    var omitTensor: String? = nil
    /// Writes the vocabulary into `tokenizer.json` (model.type WordPiece) instead of `vocab.txt`.
    var vocabularyInTokenizerJSON = false
    var reshapeTensor: String? = nil

    /// Every tensor, by name, with its shape and values (deterministic).
    func tensors() -> [(String, [Int], [Float])] {
        var numbers = KernelLevelTests.Numbers(state: 42)
        var result: [(String, [Int], [Float])] = []
        func add(_ name: String, _ shape: [Int], scale: Float = 0.5, offset: Float = 0) {
            result.append((name, shape, numbers.array(shape.reduce(1, *)).map { $0 * scale + offset }))
        }
        add("embeddings.word_embeddings.weight", [vocabulary.count, hidden])
        add("embeddings.position_embeddings.weight", [positions, hidden])
        add("embeddings.token_type_embeddings.weight", [2, hidden])
        add("embeddings.LayerNorm.weight", [hidden], scale: 0.2, offset: 1)
        add("embeddings.LayerNorm.bias", [hidden], scale: 0.1)
        for layer in 0..<layers {
            let base = "encoder.layer.\(layer)."
            for part in ["query", "key", "value"] {
                add(base + "attention.self.\(part).weight", [hidden, hidden])
                add(base + "attention.self.\(part).bias", [hidden], scale: 0.1)
            }
            add(base + "attention.output.dense.weight", [hidden, hidden])
            add(base + "attention.output.dense.bias", [hidden], scale: 0.1)
            add(base + "attention.output.LayerNorm.weight", [hidden], scale: 0.2, offset: 1)
            add(base + "attention.output.LayerNorm.bias", [hidden], scale: 0.1)
            add(base + "intermediate.dense.weight", [intermediate, hidden])
            add(base + "intermediate.dense.bias", [intermediate], scale: 0.1)
            add(base + "output.dense.weight", [hidden, intermediate])
            add(base + "output.dense.bias", [hidden], scale: 0.1)
            add(base + "output.LayerNorm.weight", [hidden], scale: 0.2, offset: 1)
            add(base + "output.LayerNorm.bias", [hidden], scale: 0.1)
        }
        return result
    }

    /// Writes the folder and returns its path.
    func write() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-tiny-bert-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        var config: [String: Any] = [
            "model_type": "bert", "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
            "intermediate_size": intermediate, "vocab_size": vocabulary.count, "max_position_embeddings": positions,
            "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
        ]
        for (key, value) in configOverrides { config[key] = value }
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("config.json"))
        try JSONSerialization.data(withJSONObject: ["max_seq_length": maxSequenceLength])
            .write(to: directory.appendingPathComponent("sentence_bert_config.json"))
        var poolingConfig: [String: Any] = ["word_embedding_dimension": hidden]
        for key in ["pooling_mode_mean_tokens", "pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"] {
            poolingConfig[key] = pooling.split(separator: "+").contains { String($0) == key }
        }
        try JSONSerialization.data(withJSONObject: poolingConfig).write(to: directory.appendingPathComponent("1_Pooling/config.json"))
        var moduleList: [[String: Any]] = [
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
        ]
        if normalize { moduleList.append(["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"]) }
        try JSONSerialization.data(withJSONObject: modules ?? moduleList).write(to: directory.appendingPathComponent("modules.json"))
        if vocabularyInTokenizerJSON {
            let vocab = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
            try JSONSerialization.data(withJSONObject: ["version": "1.0", "model": ["type": "WordPiece", "unk_token": "[UNK]", "vocab": vocab]])
                .write(to: directory.appendingPathComponent("tokenizer.json"))
        } else {
            try (vocabulary.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        }
        try Self.safetensors(tensors().filter { $0.0 != omitTensor }.map { entry in
            entry.0 == reshapeTensor ? (entry.0, [entry.1.reduce(1, *)], entry.2) : entry
        }).write(to: directory.appendingPathComponent("model.safetensors"))
        return directory.path
    }

    /// A safetensors file of F32 tensors.
    static func safetensors(_ tensors: [(String, [Int], [Float])], dtype: String = "F32") -> Data {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var body = Data()
        for (name, shape, values) in tensors {
            let start = body.count
            if dtype == "F32" {
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            } else {
                // BF16: the top half of the F32 bits.
                for value in values { withUnsafeBytes(of: UInt16(value.bitPattern >> 16).littleEndian) { body.append(contentsOf: $0) } }
            }
            header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [start, body.count]]
        }
        let json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(body)
        return data
    }
}

/// A plain double-precision BERT forward pass and pooling, the reference for the optimised one.
enum ReferenceBert {
    static func embed(_ ids: [Int32], folder: TinyBertFolder) -> [Double] {
        let tensors = Dictionary(uniqueKeysWithValues: folder.tensors().map { ($0.0, $0.2.map(Double.init)) })
        let h = folder.hidden, n = ids.count, headSize = h / folder.heads
        func layerNorm(_ x: [Double], _ prefix: String) -> [Double] {
            let mean = x.reduce(0, +) / Double(x.count)
            let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
            let gamma = tensors[prefix + ".weight"]!, beta = tensors[prefix + ".bias"]!
            return x.indices.map { (x[$0] - mean) / (variance + 1e-12).squareRoot() * gamma[$0] + beta[$0] }
        }
        func linear(_ x: [Double], _ prefix: String, out: Int) -> [Double] {
            let w = tensors[prefix + ".weight"]!, b = tensors[prefix + ".bias"]!
            return (0..<out).map { o in b[o] + x.indices.reduce(0.0) { $0 + w[o * x.count + $1] * x[$1] } }
        }
        let words = tensors["embeddings.word_embeddings.weight"]!, positions = tensors["embeddings.position_embeddings.weight"]!
        let types = tensors["embeddings.token_type_embeddings.weight"]!
        var states = (0..<n).map { t in
            layerNorm((0..<h).map { words[Int(ids[t]) * h + $0] + positions[t * h + $0] + types[$0] }, "embeddings.LayerNorm")
        }
        for layer in 0..<folder.layers {
            let base = "encoder.layer.\(layer)."
            let q = states.map { linear($0, base + "attention.self.query", out: h) }
            let k = states.map { linear($0, base + "attention.self.key", out: h) }
            let v = states.map { linear($0, base + "attention.self.value", out: h) }
            var context = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
            for head in 0..<folder.heads {
                let range = (head * headSize)..<((head + 1) * headSize)
                for i in 0..<n {
                    let scores = (0..<n).map { j in range.reduce(0.0) { $0 + q[i][$1] * k[j][$1] } / Double(headSize).squareRoot() }
                    let top = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for d in range { context[i][d] = (0..<n).reduce(0.0) { $0 + weights[$1] / total * v[$1][d] } }
                }
            }
            states = (0..<n).map { t in
                let attended = linear(context[t], base + "attention.output.dense", out: h)
                let first = layerNorm(zip(attended, states[t]).map(+), base + "attention.output.LayerNorm")
                let inner = linear(first, base + "intermediate.dense", out: folder.intermediate).map { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
                let output = linear(inner, base + "output.dense", out: h)
                return layerNorm(zip(output, first).map(+), base + "output.LayerNorm")
            }
        }
        var pooled: [Double]
        switch folder.pooling {
        case "pooling_mode_cls_token": pooled = states[0]
        case "pooling_mode_max_tokens": pooled = (0..<h).map { d in states.map { $0[d] }.max()! }
        case "pooling_mode_mean_sqrt_len_tokens": pooled = (0..<h).map { d in states.reduce(0) { $0 + $1[d] } / Double(n).squareRoot() }
        default: pooled = (0..<h).map { d in states.reduce(0) { $0 + $1[d] } / Double(n) }
        }
        if folder.normalize {
            let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            pooled = pooled.map { $0 / norm }
        }
        return pooled
    }
}
