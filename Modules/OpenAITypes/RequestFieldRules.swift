import StorageRefs

/// Checks shared by the request bodies of the inference endpoints.
enum RequestFieldRules {
    static func check(_ validator: FieldValidator, booleans keys: [String]) throws(OpenAIObjectError) {
        for key in keys { try validator.optionalBool(key) }
    }

    static func check(_ validator: FieldValidator, integers keys: [String]) throws(OpenAIObjectError) {
        for key in keys { try validator.optionalInteger(key) }
    }

    static func check(_ validator: FieldValidator, numbers keys: [String]) throws(OpenAIObjectError) {
        for key in keys { try validator.optionalNumber(key) }
    }

    /// `stop`: a string or an array of strings.
    static func checkStop(_ validator: FieldValidator) throws(OpenAIObjectError) {
        guard let stop = validator.present("stop") else { return }
        switch stop {
        case .string: return
        case .array(let elements):
            for (index, element) in elements.enumerated() where element.stringValue == nil {
                throw OpenAIObjectError(
                    path: "\(validator.path(of: "stop"))[\(index)]",
                    message: "expected a string, found \(element.kindDescription)"
                )
            }
        default:
            throw validator.error("stop", "expected a string or an array of strings, found \(stop.kindDescription)")
        }
    }

    /// An optional array whose elements must all be objects.
    static func checkObjectArray(_ validator: FieldValidator, _ key: String) throws(OpenAIObjectError) {
        guard let elements = try validator.optionalArray(key) else { return }
        for (index, element) in elements.enumerated() where element.objectValue == nil {
            throw OpenAIObjectError(
                path: "\(validator.path(of: key))[\(index)]",
                message: "expected an object, found \(element.kindDescription)"
            )
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets or clears one boolean member of `stream_options`, removing the object when it empties.
    mutating func setStreamOption(_ key: String, _ enabled: Bool) {
        var options = objectField("stream_options") ?? [:]
        options.setField(key, enabled ? .bool(true) : nil)
        setField("stream_options", options.isEmpty ? nil : .object(options))
    }
}
