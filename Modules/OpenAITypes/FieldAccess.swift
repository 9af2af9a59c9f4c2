import StorageRefs

/// Reads and writes of single fields, for the typed accessors.
///
/// Readers return `nil` for a field that is absent, `null` or of another JSON kind than the one asked for;
/// ``setField(_:_:)`` removes the key for `nil` so optional fields are never written as `null`.
extension Dictionary where Key == String, Value == JSONValue {
    func stringField(_ key: String) -> String? {
        self[key]?.stringValue
    }

    func integerField(_ key: String) -> Int64? {
        self[key]?.intValue
    }

    func numberField(_ key: String) -> Double? {
        self[key]?.doubleValue
    }

    func boolField(_ key: String) -> Bool? {
        self[key]?.boolValue
    }

    func arrayField(_ key: String) -> [JSONValue]? {
        self[key]?.arrayValue
    }

    func objectField(_ key: String) -> [String: JSONValue]? {
        self[key]?.objectValue
    }

    /// The field as JSON, or `nil` when it is absent or `null`.
    func jsonField(_ key: String) -> JSONValue? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }

    /// The elements of an array field that are objects, wrapped without validation.
    func objectsField<Object: ValidatingOpenAIObject>(_ key: String, as type: Object.Type) -> [Object] {
        (self[key]?.arrayValue ?? []).compactMap { $0.objectValue.map(Object.init(validated:)) }
    }

    /// An object field wrapped without validation.
    func objectField<Object: ValidatingOpenAIObject>(_ key: String, as type: Object.Type) -> Object? {
        self[key]?.objectValue.map(Object.init(validated:))
    }

    /// Stores `value`, or removes the key when `value` is `nil`.
    mutating func setField(_ key: String, _ value: JSONValue?) {
        if let value {
            self[key] = value
        } else {
            removeValue(forKey: key)
        }
    }
}
