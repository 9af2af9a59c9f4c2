import Foundation

/// How token vectors become one sentence vector (`1_Pooling/config.json`).
public enum PoolingMode: String, Sendable, CaseIterable {
    /// The mean of the token vectors (all-MiniLM-L6-v2's mode).
    case mean
    /// The `[CLS]` token's vector.
    case cls
    /// The element-wise maximum of the token vectors.
    case max
    /// The sum of the token vectors divided by √(token count).
    case meanSqrtLength
}

/// What a sentence-transformers BERT folder declares: the encoder's shape, the tokenizer's rules, pooling and
/// normalisation.
///
/// Read from `config.json`, `sentence_bert_config.json`, `tokenizer_config.json`, `1_Pooling/config.json` and
/// `modules.json`; only `config.json` is required, the others default to sentence-transformers' defaults.
public struct SentenceModelConfiguration: Sendable, Equatable {
    /// Width of every token vector (`hidden_size`).
    public var hiddenSize: Int
    /// Encoder layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Attention heads per layer (`num_attention_heads`); divides `hiddenSize`.
    public var headCount: Int
    /// Width of the feed-forward layer (`intermediate_size`).
    public var intermediateSize: Int
    /// Vocabulary size (`vocab_size`).
    public var vocabularySize: Int
    /// Positions the model has embeddings for (`max_position_embeddings`).
    public var maximumPositions: Int
    /// Token types the model has embeddings for (`type_vocab_size`).
    public var tokenTypeCount: Int
    /// Layer-norm epsilon (`layer_norm_eps`).
    public var layerNormEpsilon: Float
    /// Tokens per input after truncation, `[CLS]` and `[SEP]` included (`max_seq_length`, at most `maximumPositions`).
    public var maximumSequenceLength: Int
    /// Whether the tokenizer lowercases (`do_lower_case`).
    public var lowercase: Bool
    /// Whether the tokenizer strips accents; `nil` follows `lowercase`, as BERT does (`strip_accents`).
    public var stripAccents: Bool?
    /// Whether CJK ideographs become words of their own (`tokenize_chinese_chars`).
    public var splitChineseCharacters: Bool
    /// How token vectors are pooled.
    public var pooling: PoolingMode
    /// Whether sentence vectors are scaled to unit length (a `Normalize` module in `modules.json`).
    public var normalize: Bool

    /// Reads the configuration files of the folder at `directory`.
    ///
    /// - Throws: ``LocalEmbeddingsError`` naming the file and field: a missing `config.json`, a field of the wrong
    ///   kind, an activation other than GELU, a position-embedding type other than absolute, several pooling modes
    ///   at once, or a module sentence-transformers would run that this embedder does not (say `Dense`).
    public init(directory: String) throws {
        let configPath = directory + "/config.json"
        let config = try Self.readObject(configPath, required: true) ?? [:]
        func integer(_ key: String) throws -> Int {
            guard let value = config[key] as? NSNumber, value.doubleValue == value.doubleValue.rounded(), value.intValue > 0 else {
                throw LocalEmbeddingsError.invalidFile(path: configPath, reason: "\(key) must be a positive integer")
            }
            return value.intValue
        }
        hiddenSize = try integer("hidden_size")
        layerCount = try integer("num_hidden_layers")
        headCount = try integer("num_attention_heads")
        intermediateSize = try integer("intermediate_size")
        vocabularySize = try integer("vocab_size")
        maximumPositions = try integer("max_position_embeddings")
        tokenTypeCount = config["type_vocab_size"] == nil ? 2 : try integer("type_vocab_size")
        guard hiddenSize % headCount == 0 else {
            throw LocalEmbeddingsError.invalidFile(path: configPath, reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        }
        if let epsilon = config["layer_norm_eps"] {
            guard let number = epsilon as? NSNumber, number.doubleValue > 0 else {
                throw LocalEmbeddingsError.invalidFile(path: configPath, reason: "layer_norm_eps must be a positive number")
            }
            layerNormEpsilon = number.floatValue
        } else {
            layerNormEpsilon = 1e-12
        }
        let activation = config["hidden_act"] as? String ?? "gelu"
        guard activation == "gelu" else {
            throw LocalEmbeddingsError.unsupported(path: configPath, field: "hidden_act", value: activation)
        }
        let positions = config["position_embedding_type"] as? String ?? "absolute"
        guard positions == "absolute" else {
            throw LocalEmbeddingsError.unsupported(path: configPath, field: "position_embedding_type", value: positions)
        }
        if let type = config["model_type"] as? String, type != "bert" {
            throw LocalEmbeddingsError.unsupported(path: configPath, field: "model_type", value: type)
        }

        let sentencePath = directory + "/sentence_bert_config.json"
        let sentence = try Self.readObject(sentencePath, required: false) ?? [:]
        if let length = sentence["max_seq_length"] {
            guard let number = length as? NSNumber, number.intValue >= 2 else {
                throw LocalEmbeddingsError.invalidFile(path: sentencePath, reason: "max_seq_length must be an integer of at least 2")
            }
            maximumSequenceLength = min(number.intValue, maximumPositions)
        } else {
            maximumSequenceLength = min(512, maximumPositions)
        }

        let tokenizerPath = directory + "/tokenizer_config.json"
        let tokenizer = try Self.readObject(tokenizerPath, required: false) ?? [:]
        lowercase = tokenizer["do_lower_case"] as? Bool ?? true
        stripAccents = tokenizer["strip_accents"] as? Bool
        splitChineseCharacters = tokenizer["tokenize_chinese_chars"] as? Bool ?? true

        let poolingPath = directory + "/1_Pooling/config.json"
        if let poolingConfig = try Self.readObject(poolingPath, required: false) {
            let modes: [(String, PoolingMode)] = [
                ("pooling_mode_mean_tokens", .mean), ("pooling_mode_cls_token", .cls),
                ("pooling_mode_max_tokens", .max), ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLength),
            ]
            let chosen = modes.filter { poolingConfig[$0.0] as? Bool == true }
            guard chosen.count == 1 else {
                throw LocalEmbeddingsError.unsupported(
                    path: poolingPath, field: "pooling modes", value: chosen.isEmpty ? "none" : chosen.map(\.0).joined(separator: "+"))
            }
            for key in poolingConfig.keys where key.hasPrefix("pooling_mode_") && !modes.contains(where: { $0.0 == key }) {
                if poolingConfig[key] as? Bool == true {
                    throw LocalEmbeddingsError.unsupported(path: poolingPath, field: key, value: "true")
                }
            }
            pooling = chosen[0].1
        } else {
            pooling = .mean
        }

        let modulesPath = directory + "/modules.json"
        normalize = false
        if let data = FileManager.default.contents(atPath: modulesPath) {
            guard let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
                throw LocalEmbeddingsError.invalidFile(path: modulesPath, reason: "not a JSON array of module objects")
            }
            for (index, module) in modules.enumerated() {
                let type = module["type"] as? String ?? ""
                switch type.split(separator: ".").last.map(String.init) ?? "" {
                case "Transformer", "Pooling": break
                case "Normalize": normalize = true
                default:
                    throw LocalEmbeddingsError.unsupported(path: modulesPath, field: "[\(index)].type", value: type)
                }
            }
        }
    }

    private static func readObject(_ path: String, required: Bool) throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw LocalEmbeddingsError.missingFile(path: path) }
            return nil
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "not a JSON object")
        }
        return object
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }
}
