import StorageRefs

/// The validation and the readers shared by ``ResponseInputItem`` and ``ResponseOutputItem``.
enum ResponseItemRules {
    /// Content part types whose `text` is the part's text.
    static let textPartTypes: Set<String> = ["output_text", "input_text", "text"]

    /// The roles an input message may have.
    static let inputMessageRoles = ["user", "system", "developer", "assistant"]

    /// The item's kind: from `type`, or ``ResponseItemKind/message`` for an input message written
    /// without a type (`{"role": "user", "content": "Hi"}`).
    static func kind(of fields: [String: JSONValue]) -> ResponseItemKind {
        if let type = fields.stringField("type") { return ResponseItemKind(rawValue: type) }
        return fields.stringField("role") == nil ? .other("") : .message
    }

    /// Checks an item: its `type`, then the fields its kind requires.
    ///
    /// - Parameter isInput: Whether the item is an input item, which may be a message without
    ///   `type`, whose message role is one of ``inputMessageRoles``, and whose message content may be a string.
    static func validate(_ validator: FieldValidator, isInput: Bool) throws(OpenAIObjectError) {
        if isInput {
            if try validator.optionalString("type") == nil, validator.present("role") == nil {
                throw validator.error("type", "required field is missing (only a message with a role may omit it)")
            }
        } else {
            try validator.requireString("type")
        }
        try validator.optionalString("id")
        try validator.optionalString("status")
        switch kind(of: validator.fields) {
        case .message:
            try validateMessage(validator, isInput: isInput)
        case .functionCall:
            try validator.requireString("call_id")
            try validator.requireString("name")
            try validator.requireString("arguments")
        case .functionCallOutput:
            try validator.requireString("call_id")
            guard let output = validator.fields["output"] else {
                throw validator.error("output", "required field is missing")
            }
            guard output.stringValue != nil || output.arrayValue != nil else {
                throw validator.error("output", "expected a string or an array, found \(output.kindDescription)")
            }
        default:
            break
        }
    }

    private static func validateMessage(_ validator: FieldValidator, isInput: Bool) throws(OpenAIObjectError) {
        let role = try validator.requireString("role")
        if isInput, !inputMessageRoles.contains(role) {
            let roles = inputMessageRoles.joined(separator: ", ")
            throw validator.error("role", "expected one of \(roles), found \"\(role)\"")
        }
        if isInput, validator.present("content")?.stringValue != nil { return }
        let parts: [JSONValue]
        do {
            parts = try validator.requireArray("content")
        } catch {
            guard isInput, let content = validator.present("content") else { throw error }
            throw validator.error("content", "expected a string or an array, found \(content.kindDescription)")
        }
        for (index, element) in parts.enumerated() {
            let partPath = "\(validator.path(of: "content"))[\(index)]"
            guard let members = element.objectValue else {
                throw OpenAIObjectError(path: partPath, message: "expected an object, found \(element.kindDescription)")
            }
            let part = validator.nested(members, at: partPath)
            if textPartTypes.contains(try part.requireString("type")) {
                try part.requireString("text")
            }
        }
    }

    /// The text of a message's content: the content string, or the `text` of its text parts
    /// (``textPartTypes``) joined with no separator; `nil` when there is no such text.
    static func contentText(of fields: [String: JSONValue]) -> String? {
        switch fields["content"] {
        case .string(let text):
            return text
        case .array(let parts):
            let texts = parts.compactMap { part -> String? in
                guard let type = part["type"]?.stringValue, textPartTypes.contains(type) else { return nil }
                return part["text"]?.stringValue
            }
            return texts.isEmpty ? nil : texts.joined()
        default:
            return nil
        }
    }
}
