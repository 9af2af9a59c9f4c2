import Crypto

/// Chunk identifiers computed exactly as llama-stack's `generate_chunk_id`, so the same input gets the same id in
/// both systems and data moves between them.
public enum ChunkID {
    /// The digest an id is taken from.
    public enum Digest: Sendable, Hashable {
        /// SHA-256, first 16 bytes: llama-stack's `generate_chunk_id` since v0.2.22 (the FIPS migration, #3423)
        /// and at the reference commit (2c43285e2). The default.
        case sha256
        /// MD5 (all 16 bytes): llama-stack up to v0.2.21, for chunks stored by those releases.
        case md5
    }

    /// The id of a chunk: the UUID text (8-4-4-4-12, lowercase hex) of the first 32 hex digits of the SHA-256 (or,
    /// with `digest: .md5`, the MD5) of the UTF-8 bytes of `documentID + ":" + chunkText`, with `":" + window`
    /// appended when `window` is given.
    ///
    /// ```swift
    /// ChunkID.generate(documentID: "doc-1", chunkText: "test")  // "31d1f9a3-c8d2-66e7-3c37-af2acd329778"
    /// ```
    ///
    /// - Parameters:
    ///   - documentID: The document the chunk comes from.
    ///   - chunkText: The chunk's text.
    ///   - window: The chunk window (for example `"0-512"`), or `nil`; an empty window is ignored, as in llama-stack.
    ///   - digest: SHA-256 (the default) or MD5; see ``Digest``.
    /// - Returns: The id; deterministic, never throws.
    public static func generate(documentID: String, chunkText: String, window: String? = nil, digest: Digest = .sha256) -> String {
        var text = documentID + ":" + chunkText
        if let window, !window.isEmpty { text += ":" + window }
        let bytes: [UInt8] =
            switch digest {
            case .sha256: Array(SHA256.hash(data: Array(text.utf8)))
            case .md5: Array(Insecure.MD5.hash(data: Array(text.utf8)))
            }
        let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(36)
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { hex.append(UInt8(ascii: "-")) }
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
