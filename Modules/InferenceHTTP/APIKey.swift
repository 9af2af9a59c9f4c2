/// A secret API key, sent as `Authorization: Bearer …` and never shown.
///
/// Its `description`, `debugDescription` and reflection print `APIKey(<redacted>)`, so a key inside a
/// configuration that is logged or interpolated does not leak. Error messages from a server that echo
/// the key have it replaced by `<redacted>` before they reach an ``InferenceClientError``.
public struct APIKey: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let secret: String

    /// Wraps a key.
    ///
    /// - Parameter secret: The key as issued; it should not be empty.
    public init(_ secret: String) {
        self.secret = secret
    }

    /// `APIKey(<redacted>)`.
    public var description: String { "APIKey(<redacted>)" }

    /// `APIKey(<redacted>)`.
    public var debugDescription: String { description }

    /// A mirror with no children, so `dump` and reflection show nothing of the key.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Runs `body` with the key's text, for code that must send it somewhere other than this client.
    ///
    /// - Parameter body: Receives the key.
    /// - Returns: What `body` returns.
    public func withSecret<Result>(_ body: (String) throws -> Result) rethrows -> Result {
        try body(secret)
    }
}
