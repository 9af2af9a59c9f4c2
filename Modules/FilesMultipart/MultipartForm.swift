public import Files
import Foundation
import MultipartKit
import NIOCore

/// A parsed `multipart/form-data` body: its parts in order, each with its field name, file name, content type and
/// bytes. Parsing is MultipartKit's; this type reads the parts' `Content-Disposition` parameters (including RFC 5987
/// `filename*`).
public struct MultipartForm: Sendable {
    /// One part of the form.
    public struct Part: Sendable, Hashable {
        /// The field name (`Content-Disposition` `name`).
        public var name: String
        /// The file name, for a file part; `nil` for a plain field.
        public var filename: String?
        /// The part's `Content-Type`, when given.
        public var contentType: String?
        /// The part's bytes, exactly as sent.
        public var body: [UInt8]

        /// The body as UTF-8 text (invalid sequences replaced).
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The parts in the order they were sent.
    public var parts: [Part]

    /// Parses `body` with the boundary of `contentType`.
    ///
    /// - Parameters:
    ///   - body: The request body.
    ///   - contentType: The request's `Content-Type` header, `multipart/form-data; boundary=…`.
    /// - Throws: ``Files/FileStoreError`` with code ``Files/FileStoreError/Code-swift.struct/invalidArgument``
    ///   naming `Content-Type` (not multipart/form-data, no boundary) or `body` (malformed multipart, a part without
    ///   a `name`, no closing boundary: a truncated body).
    public init(body: [UInt8], contentType: String) throws(FileStoreError) {
        let (mediaType, parameters) = HeaderParameters.parse(contentType)
        guard mediaType.lowercased() == "multipart/form-data" else {
            throw .invalid("Content-Type", "'\(mediaType)' is not multipart/form-data")
        }
        guard let boundary = parameters["boundary"], !boundary.isEmpty else {
            throw .invalid("Content-Type", "no boundary parameter")
        }
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var bytes: [UInt8] = []
        var partError: FileStoreError?
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { buffer in
            if let chunk = buffer.readBytes(length: buffer.readableBytes) { bytes += chunk }
        }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            let (_, parameters) = HeaderParameters.parse(disposition)
            if let name = parameters["name"] {
                parts.append(
                    Part(
                        name: name,
                        filename: parameters["filename*"] ?? parameters["filename"],
                        contentType: headers.first { $0.0.lowercased() == "content-type" }?.1,
                        body: bytes
                    )
                )
            } else if partError == nil {
                partError = .invalid("body", "part \(parts.count + 1) has no name in its Content-Disposition header")
            }
            headers = []
            bytes = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw .invalid("body", "malformed multipart/form-data: \(error)")
        }
        if let partError { throw partError }
        // MultipartKit accepts a body that stops early; a truncated upload must not pass as a shorter one.
        guard Self.contains(body, Array("--\(boundary)--".utf8)) else {
            throw .invalid("body", "incomplete multipart/form-data: the closing boundary is missing")
        }
        self.parts = parts
    }

    /// The first plain field (not a file) named `name`, as text.
    public func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }?.text
    }

    /// The first file part named `name`.
    public func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename != nil }
    }

    /// Whether `haystack` contains `needle` (the closing delimiter sits at the end, so search from there).
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var start = haystack.count - needle.count
        while start >= 0 {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            start -= 1
        }
        return false
    }

    /// Whether any part has this name.
    public func contains(_ name: String) -> Bool {
        parts.contains { $0.name == name }
    }
}
