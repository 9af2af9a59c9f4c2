/// Turns text into token ids and back; chunking counts and cuts in these tokens.
public protocol TextTokenizer: Sendable {
    /// A name recorded with chunks (for example `llama3`).
    var name: String { get }

    /// The token ids of `text`; special-token text is encoded as ordinary text.
    func encode(_ text: String) -> [Int]

    /// The text of `tokens`; bytes that do not form valid UTF-8 (a window cut inside a character) become U+FFFD.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidTokenizer`` for an unknown id.
    func decode(_ tokens: some Collection<Int>) throws -> String
}
