import Foundation
import LocalEmbeddings
import Testing

/// Loading model folders (a small random BERT written by the test) and the forward pass against a plain reference.
@Suite("Model folders")
struct ModelFolderTests {
    @Test("the forward pass equals a double-precision reference for every pooling mode, with and without Normalize",
          arguments: ["pooling_mode_mean_tokens", "pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"])
    func forwardPass(pooling: String) async throws {
        for normalize in [true, false] {
            var folder = TinyBertFolder()
            folder.pooling = pooling
            folder.normalize = normalize
            let path = try folder.write()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let embedder = try await SentenceEmbedder.load(directory: path, batchSize: 2, maximumParallelism: 2)
            #expect(embedder.dimension == 36)
            #expect(embedder.configuration.headSize == 12)  // not a multiple of 8: the portable attention path
            let texts = ["the cat sat on the mat.", "dogs", "", "the dog sat on the cat on the mat on the dog ."]
            let vectors = try await embedder.embed(texts)
            for (text, vector) in zip(texts, vectors) {
                let ids = embedder.tokenIDs(text)
                #expect(ids.count <= 10)
                let expected = ReferenceBert.embed(ids, folder: folder)
                let worst = zip(vector, expected).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
                #expect(worst < 2e-5, "\(pooling), normalize \(normalize), \(text.debugDescription): \(worst)")
            }
        }
    }

    @Test("a folder with tokenizer.json and no vocab.txt reads the WordPiece vocabulary from it, with the same ids")
    func vocabularyFromTokenizerJSON() async throws {
        var folder = TinyBertFolder()
        let textPath = try folder.write()
        defer { try? FileManager.default.removeItem(atPath: textPath) }
        folder.vocabularyInTokenizerJSON = true
        let jsonPath = try folder.write()
        defer { try? FileManager.default.removeItem(atPath: jsonPath) }
        let fromText = try SentenceEmbedder(directory: textPath), fromJSON = try SentenceEmbedder(directory: jsonPath)
        #expect(fromJSON.tokenizer.vocabulary == fromText.tokenizer.vocabulary)
        #expect(fromJSON.tokenIDs("the dogs sat on the mat.") == [2, 4, 10, 11, 6, 7, 4, 8, 9, 3])
        let vectors = try await fromJSON.embed(["the cat sat"]), expected = try await fromText.embed(["the cat sat"])
        #expect(vectors == expected)

        // Another tokenizer model is named, not misread.
        let bpe = jsonPath + "/tokenizer.json"
        try JSONSerialization.data(withJSONObject: ["model": ["type": "BPE", "vocab": ["a": 0]]]).write(to: URL(fileURLWithPath: bpe))
        #expect(throws: LocalEmbeddingsError.unsupported(path: bpe, field: "model.type", value: "BPE")) { try SentenceEmbedder(directory: jsonPath) }
        try JSONSerialization.data(withJSONObject: ["model": ["type": "WordPiece", "vocab": ["a": "zero"]]]).write(to: URL(fileURLWithPath: bpe))
        #expect(throws: LocalEmbeddingsError.invalidFile(path: bpe, reason: "model.vocab[a] is not a token id")) { try SentenceEmbedder(directory: jsonPath) }
    }

    @Test("BF16 weights are widened to Float exactly")
    func bfloat16() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bf16-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let values: [Float] = [1, -2.5, 0.15625, 3e38]
        try TinyBertFolder.safetensors([("t", [2, 2], values)], dtype: "BF16").write(to: directory)
        let file = try SafetensorsFile(path: directory.path)
        #expect(file.tensors["t"]?.dtype == "BF16")
        #expect(try file.floats("t", shape: [2, 2]) == values.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) })
    }

    @Test("a missing or misshapen tensor is named")
    func tensorErrors() throws {
        var missing = TinyBertFolder()
        missing.omitTensor = "encoder.layer.1.intermediate.dense.bias"
        let missingPath = try missing.write()
        defer { try? FileManager.default.removeItem(atPath: missingPath) }
        #expect(throws: LocalEmbeddingsError.missingTensor(path: missingPath + "/model.safetensors", name: "encoder.layer.1.intermediate.dense.bias")) {
            try SentenceEmbedder(directory: missingPath)
        }
        var reshaped = TinyBertFolder()
        reshaped.reshapeTensor = "embeddings.position_embeddings.weight"
        let reshapedPath = try reshaped.write()
        defer { try? FileManager.default.removeItem(atPath: reshapedPath) }
        #expect(throws: LocalEmbeddingsError.tensorShape(path: reshapedPath + "/model.safetensors", name: "embeddings.position_embeddings.weight",
                                                         expected: [16, 36], found: [576])) {
            try SentenceEmbedder(directory: reshapedPath)
        }
    }

    @Test("configuration errors name the file and field")
    func configurationErrors() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-empty-\(UUID())").path
        #expect(throws: LocalEmbeddingsError.missingFile(path: empty + "/config.json")) { try SentenceEmbedder(directory: empty) }

        func failure(_ change: (inout TinyBertFolder) -> Void) throws -> LocalEmbeddingsError? {
            var folder = TinyBertFolder()
            change(&folder)
            let path = try folder.write()
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try SentenceEmbedder(directory: path)
                return nil
            } catch let error as LocalEmbeddingsError {
                return error
            }
        }
        let relu = try failure { $0.configOverrides["hidden_act"] = "relu" }
        #expect(relu?.description.hasSuffix("config.json: hidden_act = relu is not supported") == true)
        let heads = try failure { $0.configOverrides["num_attention_heads"] = 5 }
        #expect(heads?.description.contains("hidden_size 36 is not a multiple of num_attention_heads 5") == true)
        let negative = try failure { $0.configOverrides["num_hidden_layers"] = -1 }
        #expect(negative?.description.contains("num_hidden_layers must be a positive integer") == true)
        let dense = try failure { $0.modules = [["type": "sentence_transformers.models.Transformer"], ["type": "sentence_transformers.models.Dense"]] }
        #expect(dense?.description.hasSuffix("modules.json: [1].type = sentence_transformers.models.Dense is not supported") == true)
        let twoPoolings = try failure { $0.pooling = "pooling_mode_mean_tokens+pooling_mode_cls_token" }
        #expect(twoPoolings?.description.contains("pooling modes = pooling_mode_mean_tokens+pooling_mode_cls_token is not supported") == true)
        let bigVocabulary = try failure { $0.configOverrides["vocab_size"] = 5 }
        #expect(bigVocabulary?.description.contains("12 tokens, more than config.json's vocab_size 5") == true)
    }

    @Test("max_seq_length is capped by the position table; truncation follows it")
    func sequenceLength() throws {
        var folder = TinyBertFolder()
        folder.maxSequenceLength = 512
        let path = try folder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let embedder = try SentenceEmbedder(directory: path)
        #expect(embedder.configuration.maximumSequenceLength == 16)
        #expect(embedder.tokenIDs(String(repeating: "cat ", count: 40)).count == 16)
    }

    @Test("malformed safetensors files: each error says what is wrong")
    func malformedFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-st-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func reason(_ bytes: Data) throws -> String? {
            let path = directory.appendingPathComponent("\(UUID()).safetensors").path
            try bytes.write(to: URL(fileURLWithPath: path))
            do {
                _ = try SafetensorsFile(path: path)
                return nil
            } catch LocalEmbeddingsError.invalidFile(let failing, let reason) {
                #expect(failing == path)
                return reason
            }
        }
        func header(_ json: String, body: Int = 0) -> Data {
            var data = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            return data + Data(json.utf8) + Data(count: body)
        }
        #expect(try reason(Data([1, 2, 3])) == "shorter than the 8-byte header length")
        #expect(try reason(Data([255, 0, 0, 0, 0, 0, 0, 0, 1])) == "header length 255 exceeds the file's 9 bytes")
        #expect(try reason(header("not json")) == "header is not JSON")
        #expect(try reason(header("[1]")) == "header is not a JSON object")
        #expect(try reason(header(#"{"w": {"dtype": "F32", "shape": [2]}}"#)) == "tensor w: entry needs dtype, shape and two data_offsets")
        #expect(try reason(header(#"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#, body: 4))
                == "tensor w: data_offsets [0, 8] outside the 4-byte data section")
        #expect(try reason(header(#"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, body: 8)) == "tensor w: 8 bytes for shape [3] of F32")
        let ok = directory.appendingPathComponent("ok.safetensors").path
        try header(#"{"ids": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}"#, body: 8).write(to: URL(fileURLWithPath: ok))
        let file = try SafetensorsFile(path: ok)
        #expect(throws: LocalEmbeddingsError.unsupported(path: ok, field: "tensor ids dtype", value: "I64")) { try file.floats("ids", shape: [1]) }
    }
}
