public import Memory

/// A lossless chunking tokenizer: one token per Unicode scalar, its code point as the id.
///
/// The default for ``LocalMemory``: chunk sizes are counted in characters, so the default strategy's 800-token
/// chunks are ~800 characters — about 150–250 WordPiece tokens of English, inside MiniLM's 256-token window. Chunked
/// with the Llama 3 tokenizer (llama-stack's default), an 800-token chunk is ~1,000 word pieces, of which MiniLM
/// embeds only the first 256. Pass ``Memory/TiktokenTokenizer`` instead to reproduce llama-stack's chunk boundaries.
public struct UnicodeScalarTokenizer: TextTokenizer {
    /// Creates the tokenizer.
    public init() {}

    /// `unicode-scalars`, recorded with chunks.
    public var name: String { "unicode-scalars" }

    /// The code points of `text`.
    public func encode(_ text: String) -> [Int] {
        text.unicodeScalars.map { Int($0.value) }
    }

    /// The text of `tokens`.
    ///
    /// - Throws: ``Memory/MemoryError`` (`invalidTokenizer`) for an id that is not a Unicode scalar value.
    public func decode(_ tokens: some Collection<Int>) throws -> String {
        var scalars = String.UnicodeScalarView()
        for token in tokens {
            guard let value = UInt32(exactly: token), let scalar = Unicode.Scalar(value) else {
                throw MemoryError(code: .invalidTokenizer, message: "token \(token) is not a Unicode scalar value")
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
