extension JSONValue: Codable {
    /// Decodes any JSON value.
    ///
    /// A number decodes to ``int(_:)`` when the decoder can read it as an `Int64` (an integral
    /// number within `Int64`'s range), and to ``double(_:)`` otherwise, so large integers are never
    /// rounded through `Double`. `null` decodes to ``null``; a member absent from an enclosing
    /// object is not decoded at all (decode the enclosing property as `JSONValue?` to tell the two
    /// apart).
    ///
    /// - Parameter decoder: The decoder to read from.
    /// - Throws: `DecodingError.dataCorrupted` when the value is none of the JSON kinds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Encodes the value as the JSON it represents.
    ///
    /// ``int(_:)`` is encoded as an integer (exactly), ``double(_:)`` as a floating-point number,
    /// ``null`` as `null`.
    ///
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: The encoder's error for a non-finite ``double(_:)`` (`JSONEncoder` rejects NaN
    ///   and infinities unless a non-conforming float strategy is set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
