import StorageRefs

/// Checks the fields of one JSON object at a path, throwing errors that name the offending field.
///
/// Required fields must be present and not `null`; optional ones may be absent or `null`. Each check
/// returns the value it accepted so callers can branch on it.
struct FieldValidator {
    /// The object's members.
    let fields: [String: JSONValue]

    /// The object's path from the root, `""` for the root itself.
    let path: String

    /// The path of the member `key`.
    func path(of key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// An error about the member `key`.
    func error(_ key: String, _ message: String) -> OpenAIObjectError {
        OpenAIObjectError(path: path(of: key), message: message)
    }

    /// The validator of the object held by the member `key`, at `path`.
    func nested(_ fields: [String: JSONValue], at path: String) -> FieldValidator {
        FieldValidator(fields: fields, path: path)
    }

    // MARK: Presence

    /// The member's value when it is present and not `null`.
    func present(_ key: String) -> JSONValue? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    private func required(_ key: String, _ kind: String) throws(OpenAIObjectError) -> JSONValue {
        guard let value = fields[key] else { throw error(key, "required field is missing") }
        if value.isNull { throw error(key, "expected \(kind), found null") }
        return value
    }

    private func mismatch(_ key: String, _ kind: String, _ value: JSONValue) -> OpenAIObjectError {
        error(key, "expected \(kind), found \(value.kindDescription)")
    }

    // MARK: Scalars

    @discardableResult
    func requireString(_ key: String) throws(OpenAIObjectError) -> String {
        let value = try required(key, "a string")
        guard let string = value.stringValue else { throw mismatch(key, "a string", value) }
        return string
    }

    @discardableResult
    func optionalString(_ key: String) throws(OpenAIObjectError) -> String? {
        guard let value = present(key) else { return nil }
        guard let string = value.stringValue else { throw mismatch(key, "a string", value) }
        return string
    }

    func requireInteger(_ key: String) throws(OpenAIObjectError) {
        let value = try required(key, "an integer")
        guard value.intValue != nil else { throw mismatch(key, "an integer", value) }
    }

    func optionalInteger(_ key: String) throws(OpenAIObjectError) {
        guard let value = present(key) else { return }
        guard value.intValue != nil else { throw mismatch(key, "an integer", value) }
    }

    func optionalNumber(_ key: String) throws(OpenAIObjectError) {
        guard let value = present(key) else { return }
        guard value.doubleValue != nil else { throw mismatch(key, "a number", value) }
    }

    func optionalBool(_ key: String) throws(OpenAIObjectError) {
        guard let value = present(key) else { return }
        guard value.boolValue != nil else { throw mismatch(key, "a boolean", value) }
    }

    // MARK: Containers

    @discardableResult
    func requireArray(_ key: String) throws(OpenAIObjectError) -> [JSONValue] {
        let value = try required(key, "an array")
        guard let elements = value.arrayValue else { throw mismatch(key, "an array", value) }
        return elements
    }

    @discardableResult
    func optionalArray(_ key: String) throws(OpenAIObjectError) -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let elements = value.arrayValue else { throw mismatch(key, "an array", value) }
        return elements
    }

    @discardableResult
    func requireObject(_ key: String) throws(OpenAIObjectError) -> [String: JSONValue] {
        let value = try required(key, "an object")
        guard let members = value.objectValue else { throw mismatch(key, "an object", value) }
        return members
    }

    @discardableResult
    func optionalObject(_ key: String) throws(OpenAIObjectError) -> [String: JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let members = value.objectValue else { throw mismatch(key, "an object", value) }
        return members
    }

    // MARK: Nested objects

    /// Checks a required member that holds an `Object`.
    func requireObject<Object: ValidatingOpenAIObject>(_ key: String, as type: Object.Type) throws(OpenAIObjectError) {
        try Object.validate(nested(try requireObject(key), at: path(of: key)))
    }

    /// Checks an optional member that holds an `Object`.
    func optionalObject<Object: ValidatingOpenAIObject>(_ key: String, as type: Object.Type) throws(OpenAIObjectError) {
        guard let members = try optionalObject(key) else { return }
        try Object.validate(nested(members, at: path(of: key)))
    }

    /// Checks a required member that holds an array of `Object`s.
    func requireObjects<Object: ValidatingOpenAIObject>(_ key: String, as type: Object.Type) throws(OpenAIObjectError) {
        try checkObjects(try requireArray(key), key: key, as: type)
    }

    /// Checks an optional member that holds an array of `Object`s.
    func optionalObjects<Object: ValidatingOpenAIObject>(_ key: String, as type: Object.Type) throws(OpenAIObjectError)
    {
        guard let elements = try optionalArray(key) else { return }
        try checkObjects(elements, key: key, as: type)
    }

    /// Checks each element of the array held by `key` as an `Object`.
    func checkObjects<Object: ValidatingOpenAIObject>(
        _ elements: [JSONValue],
        key: String,
        as type: Object.Type
    ) throws(OpenAIObjectError) {
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path(of: key))[\(index)]"
            guard let members = element.objectValue else {
                throw OpenAIObjectError(
                    path: elementPath,
                    message: "expected an object, found \(element.kindDescription)"
                )
            }
            try Object.validate(nested(members, at: elementPath))
        }
    }
}
