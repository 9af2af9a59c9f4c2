import StorageRefs

extension JSONValue {
    /// The value's JSON kind with an article, for error messages ("an integer", "null").
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value with every non-finite ``JSONValue/double(_:)`` replaced by `null`, so it can be written as JSON.
    func replacingNonFiniteNumbers() -> JSONValue {
        switch self {
        case .double(let number) where !number.isFinite: .null
        case .array(let elements): .array(elements.map { $0.replacingNonFiniteNumbers() })
        case .object(let members): .object(members.mapValues { $0.replacingNonFiniteNumbers() })
        default: self
        }
    }
}
