public import StorageRefs

/// An OpenAI API object kept as its JSON fields, with typed accessors for the known ones.
///
/// A conforming type stores every member of the JSON object in ``fields``, the ones it knows and the
/// ones it does not, so an object read from an API response, stored and read back is the same JSON
/// value: fields added by newer API versions, vendor extensions, `1` versus `1.0` and integers beyond
/// 2^53 all survive. Typed properties such as ``ChatCompletion/model`` read and write ``fields``.
///
/// ```swift
/// let completion = try ChatCompletion(jsonText: body)
/// completion.choices[0].message.content   // .text("Hello!")
/// completion.fields["x_vendor_field"]     // still there
/// let stored = completion.jsonText        // canonical text, for a JSON column
/// ```
///
/// ``init(fields:)`` checks the known fields once: required ones present, every known field of the
/// right JSON kind, nested objects valid. Typed accessors then trust the stored JSON. Writing to
/// ``fields`` directly is not checked; accessors read a field that no longer has its documented kind
/// as absent (`nil`, or an empty value for required fields) and never trap.
///
/// `Codable` maps the type to the JSON object itself (not to a wrapper with a `fields` key), and
/// equality compares ``fields`` exactly (`.int(1)` differs from `.double(1)`).
///
/// > Note: Foundation's `JSONDecoder` does not say whether a number was written with a fraction, so
/// > through `Codable` an integral `1.0` reads as the integer `1` (large integers stay exact). Use
/// > ``init(jsonText:)`` and ``jsonText`` where `1` and `1.0` must stay apart, as in storage.
///
/// Conforming types are the ones in this module; do not declare new conformances.
public protocol OpenAIObject: Codable, Hashable, Sendable {
    /// Every field, known and unknown.
    ///
    /// Changes made here are not validated; prefer the typed accessors.
    var fields: [String: JSONValue] { get set }

    /// Wraps fields after checking the known ones (required present, right JSON kinds, nested objects valid).
    ///
    /// Optional fields may be absent or JSON `null`. Unknown fields are kept as they are.
    ///
    /// - Parameter fields: The members of the JSON object.
    /// - Throws: ``OpenAIObjectError`` naming the path of the first field that is missing or invalid.
    init(fields: [String: JSONValue]) throws(OpenAIObjectError)
}

extension OpenAIObject {
    /// Wraps a JSON object after checking its known fields.
    ///
    /// - Parameter json: The object; any other JSON kind is rejected.
    /// - Throws: ``OpenAIObjectError`` with an empty path when `json` is not an object, or naming
    ///   the first invalid field as ``init(fields:)`` does.
    public init(json: JSONValue) throws(OpenAIObjectError) {
        guard case .object(let fields) = json else {
            throw OpenAIObjectError(path: "", message: "expected an object, found \(json.kindDescription)")
        }
        try self.init(fields: fields)
    }

    /// The object as a JSON value: `.object(fields)`.
    public var json: JSONValue {
        .object(fields)
    }

    /// Parses JSON text and wraps the object after checking its known fields.
    ///
    /// Integers that fit in `Int64` stay exact and `1.0` stays a floating-point number, so
    /// ``jsonText`` of the result writes the same numbers back.
    ///
    /// - Parameter jsonText: One JSON object, optionally surrounded by whitespace.
    /// - Throws: ``OpenAIObjectError`` with an empty path when the text is not JSON or not an
    ///   object, or naming the first invalid field as ``init(fields:)`` does.
    public init(jsonText: String) throws(OpenAIObjectError) {
        let value: JSONValue
        do {
            value = try JSONColumnText.decode(jsonText, column: "json")
        } catch {
            throw OpenAIObjectError(path: "", message: "the text is not valid JSON")
        }
        try self.init(json: value)
    }

    /// The object as canonical JSON text: keys sorted by their UTF-8 bytes, no whitespace.
    ///
    /// Equal objects have equal text, integers are written without a fraction and floating-point
    /// numbers always with one (`1` and `1.0` stay apart), so ``init(jsonText:)`` reads back the
    /// same ``fields``. A non-finite number, which JSON cannot represent and which can only come
    /// from a setter, is written as `null`.
    public var jsonText: String {
        if let text = try? JSONColumnText.encode(json, column: "json") {
            return text
        }
        return (try? JSONColumnText.encode(json.replacingNonFiniteNumbers(), column: "json")) ?? "{}"
    }
}

extension OpenAIObject {
    /// Decodes the JSON object and checks its known fields.
    ///
    /// Numbers follow `JSONValue`'s decoding: with `JSONDecoder`, an integral `1.0` becomes `.int(1)`.
    ///
    /// - Parameter decoder: The decoder to read from.
    /// - Throws: The decoder's error when the value is not a JSON object, or
    ///   `DecodingError.dataCorrupted` with the decoder's coding path and the ``OpenAIObjectError``
    ///   (as the description and the underlying error) when a known field is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let fields = try container.decode([String: JSONValue].self)
        do {
            try self.init(fields: fields)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: error.description,
                    underlyingError: error
                )
            )
        }
    }

    /// Encodes ``fields`` as one JSON object.
    ///
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: The encoder's error, for example for a non-finite number set through a setter.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }
}
