/// An operation that an ``AccessPolicy`` authorises on a ``ProtectedResource``.
///
/// The raw values are the names used in llama-stack's policy files: `create`, `read`, `update` and
/// `delete`.
public enum AccessAction: String, Hashable, Sendable, CaseIterable, Codable {
    /// Creating a resource.
    case create

    /// Reading a resource.
    case read

    /// Changing a resource.
    case update

    /// Removing a resource.
    case delete
}
