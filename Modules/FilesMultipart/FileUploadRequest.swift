public import Files
import Foundation
import StorageRefs

/// An upload request read from a multipart form, as OpenAI's `POST /files` sends it: a `file` part, a `purpose`
/// field, and an optional `expires_after`.
///
/// `expires_after` is read in bracket form (`expires_after[anchor]`, `expires_after[seconds]`) and in JSON form
/// (`expires_after={"anchor":"created_at","seconds":7200}`); when both are present the bracket form wins, as in
/// llama-stack. Unlike llama-stack, which ignores an invalid value, an invalid value is an error naming the field.
public struct FileUploadRequest: Sendable {
    /// The file part: its name, content type and bytes.
    public var file: MultipartForm.Part
    /// The file's purpose.
    public var purpose: FilePurpose
    /// When the file expires, or `nil`.
    public var expiresAfter: FileExpiration?

    /// Reads the request from `form`.
    ///
    /// - Throws: ``Files/FileStoreError`` with code ``Files/FileStoreError/Code-swift.struct/invalidArgument`` naming
    ///   the field: `file` (missing, or without a file name), `purpose` (missing or unknown), or the `expires_after`
    ///   field at fault.
    public init(form: MultipartForm) throws(FileStoreError) {
        guard let file = form.file("file") else {
            throw form.contains("file")
                ? .invalid("file", "the part has no filename; send it as a file")
                : .invalid("file", "missing")
        }
        guard let purposeText = form.field("purpose") else { throw .invalid("purpose", "missing") }
        self.file = file
        self.purpose = try FilePurpose(validating: purposeText.trimmingCharacters(in: .whitespacesAndNewlines))
        self.expiresAfter = try Self.expiresAfter(in: form)
    }

    /// The `expires_after` of `form` in either form (bracket first), or `nil` when it has none.
    ///
    /// - Throws: ``Files/FileStoreError`` naming the field at fault: in bracket form `expires_after[anchor]` or
    ///   `expires_after[seconds]` (missing, not an integer, out of range, unknown anchor); in JSON form
    ///   `expires_after` (not JSON, not an object) or `expires_after.anchor` / `expires_after.seconds`.
    public static func expiresAfter(in form: MultipartForm) throws(FileStoreError) -> FileExpiration? {
        let anchorField = "expires_after[anchor]", secondsField = "expires_after[seconds]"
        if form.contains(anchorField) || form.contains(secondsField) {
            guard let anchor = form.field(anchorField) else { throw .invalid(anchorField, "missing") }
            guard let secondsText = form.field(secondsField) else { throw .invalid(secondsField, "missing") }
            guard let seconds = Int(secondsText.trimmingCharacters(in: .whitespaces)) else {
                throw .invalid(secondsField, "'\(secondsText)' is not an integer")
            }
            return try FileExpiration(anchor: anchor, seconds: seconds)
        }
        guard let text = form.field("expires_after") else { return nil }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw .invalid("expires_after", "not valid JSON")
        }
        guard case .object(let object) = json else {
            throw .invalid("expires_after", "expected a JSON object with anchor and seconds")
        }
        guard let anchor = object["anchor"]?.stringValue else {
            throw .invalid("expires_after.anchor", object["anchor"] == nil ? "missing" : "expected a string")
        }
        guard let seconds = Self.integer(object["seconds"]) else {
            throw .invalid("expires_after.seconds", object["seconds"] == nil ? "missing" : "expected an integer")
        }
        do {
            return try FileExpiration(anchor: anchor, seconds: seconds)
        } catch {
            // Name the JSON form's field rather than the bracket form's.
            let field = error.field == "expires_after[anchor]" ? "expires_after.anchor" : "expires_after.seconds"
            let detail = error.message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? error.message
            throw .invalid(field, detail)
        }
    }

    /// An integer from JSON: an integer, an integral number, or a string of digits (pydantic's lax `int`).
    private static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let integer)?:
            return Int(exactly: integer)
        case .double(let double)?:
            guard double.rounded() == double, abs(double) < 1e15 else { return nil }
            return Int(double)
        case .string(let text)?:
            return Int(text)
        default:
            return nil
        }
    }
}
