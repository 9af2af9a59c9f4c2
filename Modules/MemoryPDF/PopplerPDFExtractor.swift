import CPoppler
import Dispatch
public import Memory

/// PDF text through poppler's GLib C API (Debian's `libpoppler-glib-dev`): the text of every page, pages joined by
/// `"\n"`, as llama-stack's `parse_pdf` joins them.
///
/// Parsing runs on a dispatch queue, never on Swift's cooperative pool. Each call opens its own document, so calls
/// may run concurrently.
public struct PopplerPDFExtractor: PDFTextExtractor {
    /// The most pages read; more is an error (a guard against hostile files). Default 10,000.
    public var maximumPages: Int

    /// Creates an extractor.
    public init(maximumPages: Int = 10_000) {
        self.maximumPages = maximumPages
    }

    /// The text of the PDF; see ``Memory/PDFTextExtractor/text(fromPDF:)``.
    ///
    /// - Throws: ``Memory/MemoryError`` with code ``Memory/MemoryError/Code-swift.struct/unsupportedContent`` carrying
    ///   poppler's reason when the bytes are not a readable PDF (or are encrypted), or when it has too many pages.
    public func text(fromPDF bytes: [UInt8]) async throws -> String {
        let maximumPages = self.maximumPages
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.extract(bytes, maximumPages: maximumPages) })
            }
        }
    }

    private static func extract(_ bytes: [UInt8], maximumPages: Int) throws -> String {
        let data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(data) }
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(data, nil, &error) else {
            let reason = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
            if let error { g_error_free(error) }
            throw MemoryError(code: .unsupportedContent, message: "not a readable PDF: \(reason)")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        let count = Int(poppler_document_get_n_pages(document))
        guard count <= maximumPages else {
            throw MemoryError(code: .unsupportedContent, message: "the PDF has \(count) pages; at most \(maximumPages) are read")
        }
        var pages: [String] = []
        for index in 0..<count {
            guard let page = poppler_document_get_page(document, Int32(index)) else { continue }
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            if let text = poppler_page_get_text(page) {
                pages.append(String(cString: text))
                g_free(text)
            } else {
                pages.append("")
            }
        }
        return pages.joined(separator: "\n")
    }
}
