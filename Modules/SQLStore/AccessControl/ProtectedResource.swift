public import StorageRefs

/// A resource whose access an ``AccessPolicy`` decides: a typed identifier and the user that owns
/// it.
///
/// The owner is the ``User`` that created the resource, with the attributes it had then. A resource
/// written without a user has no owner.
///
/// ```swift
/// let row = ProtectedResource(
///     type: "chat_completions",
///     identifier: "cc-1",
///     owner: User(principal: "alice", attributes: ["roles": ["admin"]])
/// )
/// row.qualifiedIdentifier  // "chat_completions::cc-1"
/// ```
public struct ProtectedResource: Hashable, Sendable {
    /// The kind of resource, such as a table name; the part before `::` in a rule's `resource`.
    public var type: String

    /// The resource's identifier within its type; the part after `::` in a rule's `resource`.
    public var identifier: String

    /// The user that owns the resource (principal and attributes), or `nil` when it was written
    /// without a user.
    public var owner: User?

    /// Creates a resource.
    ///
    /// - Parameters:
    ///   - type: The kind of resource, such as a table name.
    ///   - identifier: The identifier within the type.
    ///   - owner: The owning user, or `nil` for a resource written without a user.
    public init(type: String, identifier: String, owner: User?) {
        self.type = type
        self.identifier = identifier
        self.owner = owner
    }

    /// The identifier that a rule's `resource` is matched against: `type::identifier`.
    public var qualifiedIdentifier: String {
        "\(self.type)::\(self.identifier)"
    }

    /// Whether the resource is public: it has no owner, or its owner has no attribute values.
    ///
    /// Public resources are the only ones an anonymous request (no ``User``) may access. An owner
    /// whose attribute lists are all empty counts as public, as llama-stack's stores did (they
    /// stored such an owner's attributes as JSON `null` and treated the row as public).
    public var isPublic: Bool {
        guard let owner = self.owner else { return true }
        return owner.attributes.values.allSatisfy(\.isEmpty)
    }
}
