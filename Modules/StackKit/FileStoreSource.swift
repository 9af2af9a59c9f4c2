public import Files
public import Memory

/// A ``FileStore`` as the place vector stores read attached files from.
///
/// The file's name comes from its metadata row, its bytes from the store's directory, and its media type from the
/// name's extension (`.pdf` → `application/pdf`, `.md` → `text/markdown`, …; unknown extensions are left to content
/// sniffing by Memory's extractor).
public struct FileStoreSource: VectorStoreFileSource {
    /// The store files are read from.
    public let store: FileStore

    /// Reads attached files from `store`.
    public init(_ store: FileStore) {
        self.store = store
    }

    /// The file with this id, as Memory ingests it.
    ///
    /// - Throws: The store's ``FileStoreError`` (an unknown id is `notFound`); attaching records it as the file's
    ///   `last_error`.
    public func file(id: String) async throws -> SourceFile {
        let object = try await store.retrieve(id: id)
        let bytes = try await store.content(id: id)
        let pathExtension = object.filename.lastIndex(of: ".").map { String(object.filename[$0...].dropFirst()) } ?? ""
        return SourceFile(
            filename: object.filename,
            document: LoadedDocument(source: object.filename, bytes: Array(bytes),
                                     mimeType: URLDocumentLoader.mimeType(forExtension: pathExtension), charset: nil))
    }
}
