public import StorageRefs

/// One part of a chat message's content: text, an image, or another kind kept as JSON.
///
/// Required field: `type`, a string. A `"text"` part must have a string `text`; an `"image_url"` part
/// must have an `image_url` object with a string `url` and an optional string `detail`
/// (`"auto"`, `"low"` or `"high"`). Other types (`"input_audio"`, `"file"`, `"refusal"`, …) are
/// kept as they are and read through ``OpenAIObject/fields``.
///
/// ```swift
/// let parts: [ChatContentPart] = [.text("What is in this image?"), .imageURL("https://…/cat.png", detail: "low")]
/// ```
public struct ChatContentPart: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the content part.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// A `"text"` part.
    ///
    /// - Parameter text: The text.
    /// - Returns: `{"type": "text", "text": text}`.
    public static func text(_ text: String) -> ChatContentPart {
        ChatContentPart(validated: ["type": "text", "text": .string(text)])
    }

    /// An `"image_url"` part.
    ///
    /// - Parameters:
    ///   - url: The image's URL, or a `data:` URL with the base64-encoded image.
    ///   - detail: The detail level (`"auto"`, `"low"` or `"high"`); `nil` leaves it out.
    /// - Returns: `{"type": "image_url", "image_url": {"url": url, "detail": detail}}`.
    public static func imageURL(_ url: String, detail: String? = nil) -> ChatContentPart {
        var image: [String: JSONValue] = ["url": .string(url)]
        image.setField("detail", detail.map(JSONValue.string))
        return ChatContentPart(validated: ["type": "image_url", "image_url": .object(image)])
    }
}

extension ChatContentPart: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        switch try validator.requireString("type") {
        case "text":
            try validator.requireString("text")
        case "image_url":
            let image = validator.nested(try validator.requireObject("image_url"), at: validator.path(of: "image_url"))
            try image.requireString("url")
            try image.optionalString("detail")
        default:
            break
        }
    }
}

extension ChatContentPart {
    /// The kind of part: `type`, such as `"text"` or `"image_url"`.
    public var type: String {
        get { fields.stringField("type") ?? "" }
        set { fields["type"] = .string(newValue) }
    }

    /// The text of a `"text"` part: `text`; `nil` for other parts.
    ///
    /// Setting `nil` removes the field.
    public var text: String? {
        get { fields.stringField("text") }
        set { fields.setField("text", newValue.map(JSONValue.string)) }
    }

    /// The image URL of an `"image_url"` part: `image_url.url`; `nil` for other parts.
    ///
    /// Setting a URL creates the `image_url` object when needed; setting `nil` removes the whole
    /// `image_url` object.
    public var imageURL: String? {
        get { fields.objectField("image_url")?.stringField("url") }
        set {
            guard let newValue else {
                fields.removeValue(forKey: "image_url")
                return
            }
            var image = fields.objectField("image_url") ?? [:]
            image["url"] = .string(newValue)
            fields["image_url"] = .object(image)
        }
    }

    /// The detail level of an `"image_url"` part: `image_url.detail`, such as `"low"`; `nil` when absent.
    ///
    /// Setting a value creates the `image_url` object when needed; setting `nil` removes `detail` only.
    public var imageDetail: String? {
        get { fields.objectField("image_url")?.stringField("detail") }
        set {
            var image = fields.objectField("image_url") ?? [:]
            image.setField("detail", newValue.map(JSONValue.string))
            fields["image_url"] = .object(image)
        }
    }
}
