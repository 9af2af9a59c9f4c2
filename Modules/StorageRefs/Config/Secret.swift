/// A configuration value that must never be printed, such as a database password.
///
/// `description`, `debugDescription`, string interpolation, `dump` and logging all show
/// ``Secret/redacted`` (`********`) instead of the value. Read the value with ``revealed`` only where it is
/// handed to the server that needs it.
///
/// ```swift
/// let password = Secret("hunter2")
/// print("password: \(password)")   // password: ********
/// client.connect(password: password.revealed)
/// ```
public struct Secret: Sendable, Hashable {
    /// The text shown wherever a secret would otherwise be printed.
    public static let redacted = "********"

    /// The secret value itself. Hand it to the server that needs it; never print or log it.
    public let revealed: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.revealed = value
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always ``Secret/redacted``.
    public var description: String { Self.redacted }

    /// Always ``Secret/redacted``.
    public var debugDescription: String { Self.redacted }

    /// A mirror with no children, so `dump` and reflection-based printers show nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
