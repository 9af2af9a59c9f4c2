public import StorageRefs

/// A model a server offers: an element of `data` in `GET /v1/models`.
///
/// Required: `id`, a string. Optional: `object` (`"model"`), `created` (an integer), `owned_by` (a
/// string). Every other field (llama.cpp's `meta`, …) is kept as it is.
public struct ModelObject: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the model object.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates a model object with `id` and `object: "model"`.
    ///
    /// - Parameter id: The model's identifier.
    public init(id: String) {
        self.fields = ["id": .string(id), "object": "model"]
    }
}

extension ModelObject: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("id")
        try validator.optionalString("object")
        try validator.optionalInteger("created")
        try validator.optionalString("owned_by")
    }
}

extension ModelObject {
    /// The model's identifier: `id`.
    public var id: String {
        get { fields.stringField("id") ?? "" }
        set { fields["id"] = .string(newValue) }
    }

    /// Who owns the model: `owned_by`.
    public var ownedBy: String? {
        get { fields.stringField("owned_by") }
        set { fields.setField("owned_by", newValue.map(JSONValue.string)) }
    }
}
