import StorageRefs

/// An ``OpenAIObject`` of this module: validation that can run at any path inside an enclosing object,
/// and a wrapper that skips it for JSON that was validated already.
protocol ValidatingOpenAIObject: OpenAIObject {
    /// Checks the known fields of `validator.fields`, naming failures from `validator`'s path.
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError)

    /// Wraps fields that were validated already (as part of an enclosing object).
    init(validated fields: [String: JSONValue])
}

extension ValidatingOpenAIObject {
    /// Validates `fields` as a root object, then wraps them.
    init(checking fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try Self.validate(FieldValidator(fields: fields, path: ""))
        self.init(validated: fields)
    }
}
