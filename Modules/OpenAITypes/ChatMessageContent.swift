public import StorageRefs

/// The `content` of a chat message: a plain string or an array of parts.
///
/// A message without content (an assistant message that only calls tools, where `content` is
/// `null`) has `nil` content rather than a case of this enum.
public enum ChatMessageContent: Hashable, Sendable {
    /// Content given as one string.
    case text(String)

    /// Content given as an array of parts (text, images, audio, files).
    case parts([ChatContentPart])
}

extension ChatMessageContent {
    /// The content as the JSON stored in the message: a string or an array of part objects.
    public var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .parts(let parts): .array(parts.map(\.json))
        }
    }

    /// All the text of the content: the string, or the `text` of every part that has one, joined
    /// with no separator.
    ///
    /// Parts without text (images, audio) contribute nothing.
    public var joinedText: String {
        switch self {
        case .text(let text): text
        case .parts(let parts): parts.compactMap(\.text).joined()
        }
    }
}
