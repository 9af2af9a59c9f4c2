public import StorageRefs
import Foundation

/// The body of an Embeddings request (`POST /v1/embeddings`).
///
/// Required: `model`, a string, and `input`: a string, a non-empty array of strings, an array of
/// token ids, or an array of such arrays (at most 2,048 inputs). Optional: `encoding_format`
/// (`"float"` or `"base64"`), `dimensions` (a positive integer) and `user` (a string). Every other
/// field is sent as it is.
public struct EmbeddingsRequest: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the request body.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `input[3]`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates a request embedding `texts` with `model`.
    ///
    /// - Parameters:
    ///   - model: The model identifier.
    ///   - texts: The inputs, in order; their embeddings come back in the same order.
    ///   - encodingFormat: `"float"` or `"base64"`; `nil` leaves the field out (the server's default, float).
    public init(model: String, texts: [String], encodingFormat: EmbeddingEncodingFormat? = nil) {
        self.fields = ["model": .string(model), "input": .array(texts.map(JSONValue.string))]
        fields.setField("encoding_format", encodingFormat.map { .string($0.rawValue) })
    }
}

/// How a server writes each embedding: `"float"` (a JSON array) or `"base64"` (little-endian Float32 bytes).
public enum EmbeddingEncodingFormat: String, Hashable, Sendable, Codable {
    /// A JSON array of numbers.
    case float
    /// Base64 of the little-endian IEEE 754 single-precision bytes.
    case base64
}

extension EmbeddingsRequest: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("model")
        guard let input = validator.fields["input"], !input.isNull else {
            throw validator.error("input", validator.fields["input"] == nil ? "required field is missing" : "expected a string or an array, found null")
        }
        switch input {
        case .string: break
        case .array(let elements):
            if elements.isEmpty { throw validator.error("input", "at least one input is required") }
            if elements.count > 2048 { throw validator.error("input", "at most 2048 inputs are allowed, found \(elements.count)") }
            for (index, element) in elements.enumerated() {
                switch element {
                case .string, .int: continue
                case .array(let tokens) where tokens.allSatisfy({ $0.intValue != nil }): continue
                default:
                    throw OpenAIObjectError(
                        path: "\(validator.path(of: "input"))[\(index)]",
                        message: "expected a string, a token id or an array of token ids, found \(element.kindDescription)"
                    )
                }
            }
        default:
            throw validator.error("input", "expected a string or an array, found \(input.kindDescription)")
        }
        if let format = try validator.optionalString("encoding_format"), EmbeddingEncodingFormat(rawValue: format) == nil {
            throw validator.error("encoding_format", "expected \"float\" or \"base64\", found \"\(format)\"")
        }
        if let dimensions = validator.present("dimensions") {
            guard let count = dimensions.intValue, count > 0 else {
                throw validator.error("dimensions", "expected a positive integer, found \(dimensions)")
            }
        }
        try validator.optionalString("user")
    }
}

extension EmbeddingsRequest {
    /// The model to run: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// The requested encoding: `encoding_format`; `nil` when absent (the server sends floats).
    public var encodingFormat: EmbeddingEncodingFormat? {
        get { fields.stringField("encoding_format").flatMap(EmbeddingEncodingFormat.init(rawValue:)) }
        set { fields.setField("encoding_format", newValue.map { .string($0.rawValue) }) }
    }

    /// How many inputs the request holds: 1 for a string, a token-id array counts once.
    public var inputCount: Int {
        switch fields["input"] {
        case .array(let elements) where elements.allSatisfy({ $0.intValue != nil }): 1
        case .array(let elements): elements.count
        default: 1
        }
    }
}

/// The answer to an Embeddings request: a list of ``Embedding``s.
///
/// Required: `data`, an array of valid ``Embedding``s, and `model`, a string. Optional: `object`
/// (`"list"`) and `usage` (kept as JSON: `prompt_tokens`, `total_tokens`).
public struct EmbeddingsResponse: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the response.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `data[2].embedding`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension EmbeddingsResponse: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.optionalString("object")
        try validator.requireObjects("data", as: Embedding.self)
        try validator.requireString("model")
        try validator.optionalObject("usage")
    }
}

extension EmbeddingsResponse {
    /// The embeddings: `data`.
    public var data: [Embedding] {
        get { fields.objectsField("data", as: Embedding.self) }
        set { fields["data"] = .array(newValue.map(\.json)) }
    }

    /// The model reported by the server: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// Token counts: `usage`, as JSON; `nil` when absent or `null`.
    public var usage: JSONValue? {
        get { fields.jsonField("usage") }
        set { fields.setField("usage", newValue) }
    }
}

/// One embedding vector: an element of an ``EmbeddingsResponse``'s `data`.
///
/// Required: `index`, an integer (the position of its input in the request), and `embedding`, an
/// array of numbers or a base64 string of little-endian Float32 bytes (whose length is a multiple of 4).
public struct Embedding: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the embedding.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension Embedding: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("index")
        guard let embedding = validator.fields["embedding"] else {
            throw validator.error("embedding", "required field is missing")
        }
        switch embedding {
        case .array(let numbers):
            if let position = numbers.firstIndex(where: { $0.doubleValue == nil }) {
                throw OpenAIObjectError(
                    path: "\(validator.path(of: "embedding"))[\(position)]",
                    message: "expected a number, found \(numbers[position].kindDescription)"
                )
            }
        case .string(let text):
            guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else {
                throw validator.error("embedding", "expected base64 of Float32 values (a multiple of 4 bytes)")
            }
        default:
            throw validator.error("embedding", "expected an array of numbers or a base64 string, found \(embedding.kindDescription)")
        }
    }
}

extension Embedding {
    /// The position of the input this embedding belongs to: `index`.
    public var index: Int {
        get { Int(fields.integerField("index") ?? 0) }
        set { fields["index"] = .int(Int64(newValue)) }
    }

    /// The vector, decoded from either encoding: a JSON array of numbers, or base64 of little-endian
    /// Float32 bytes. Empty when the field holds neither.
    public var vector: [Float] {
        switch fields["embedding"] {
        case .array(let numbers): return numbers.map { Float($0.doubleValue ?? 0) }
        case .string(let text):
            guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else { return [] }
            var vector = [Float](repeating: 0, count: bytes.count / 4)
            bytes.withUnsafeBytes { raw in
                for position in vector.indices {
                    vector[position] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position * 4, as: UInt32.self)))
                }
            }
            return vector
        default: return []
        }
    }

    /// Creates an embedding written as a JSON array of numbers.
    ///
    /// - Parameters:
    ///   - index: The position of its input.
    ///   - vector: The values.
    public init(index: Int, vector: [Float]) {
        self.fields = [
            "object": "embedding",
            "index": .int(Int64(index)),
            "embedding": .array(vector.map { .double(Double($0)) }),
        ]
    }
}
