/// A document's bytes as a source delivered them.
public struct LoadedDocument: Hashable, Sendable {
    /// Where the bytes came from (the URI asked for).
    public var source: String
    /// The bytes.
    public var bytes: [UInt8]
    /// The media type the source declared (`Content-Type`, the data URL's type, or guessed from a file extension),
    /// lowercased, without parameters; `nil` when unknown.
    public var mimeType: String?
    /// The charset the source declared, if any.
    public var charset: String?

    /// Creates a loaded document.
    public init(source: String, bytes: [UInt8], mimeType: String?, charset: String?) {
        self.source = source
        self.bytes = bytes
        self.mimeType = mimeType
        self.charset = charset
    }
}

/// Where document bytes come from: URLs, an uploaded-file store, …; Memory declares it, applications supply it.
public protocol DocumentSource: Sendable {
    /// The bytes at `uri`.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/sourceUnavailable`` naming the source
    ///   when it cannot be read, or ``MemoryError/Code-swift.struct/invalidArgument`` for a URI it does not serve.
    func load(_ uri: String) async throws -> LoadedDocument
}

/// Turns PDF bytes into text; the `MemoryPDF` module implements it with poppler.
public protocol PDFTextExtractor: Sendable {
    /// The text of every page, pages joined by `"\n"`.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/unsupportedContent`` when the bytes are not
    ///   a readable PDF.
    func text(fromPDF bytes: [UInt8]) async throws -> String
}

/// Text from a loaded document by its media type: text types through ``TextDecoding``, PDF through a
/// ``PDFTextExtractor``; any other type is an error, never an empty string.
public struct ContentExtractor: Sendable {
    /// The PDF extractor, or `nil` when PDFs are not supported.
    public var pdf: (any PDFTextExtractor)?

    /// Creates an extractor.
    public init(pdf: (any PDFTextExtractor)? = nil) {
        self.pdf = pdf
    }

    /// Media types decoded as text besides `text/*`.
    public static let textTypes: Set<String> = [
        "application/json", "application/xml", "application/x-yaml", "application/yaml", "application/javascript",
        "application/x-ndjson", "application/jsonl", "application/csv", "application/x-sh", "application/sql",
    ]

    /// The text of `document`.
    ///
    /// - Throws: ``MemoryError``: ``MemoryError/Code-swift.struct/unsupportedContent`` naming the type (a type
    ///   without a decoder, PDF without an extractor, a document without a type), or the decoder's error.
    public func text(of document: LoadedDocument) async throws -> String {
        guard let type = document.mimeType else {
            throw MemoryError(code: .unsupportedContent, message: "\(document.source): no media type, so its content cannot be read")
        }
        if type.hasPrefix("text/") || Self.textTypes.contains(type) {
            return try TextDecoding.decode(document.bytes, declaredCharset: document.charset)
        }
        if type == "application/pdf" {
            guard let pdf else {
                throw MemoryError(code: .unsupportedContent, message: "\(document.source): application/pdf needs a PDF extractor (module MemoryPDF)")
            }
            return try await pdf.text(fromPDF: document.bytes)
        }
        throw MemoryError(code: .unsupportedContent, message: "\(document.source): content of type \(type) cannot be turned into text")
    }
}
