/// The identity a request runs as: a principal and its attributes, carried in a task-local.
///
/// An authentication layer sets ``current`` for the duration of a request; stores (notably the
/// access-control decorator) read it. `nil` means anonymous (unauthenticated). Child tasks
/// created in the scope (`async let`, task groups, `Task { }`) inherit it; `Task.detached` does
/// not.
///
/// ```swift
/// let alice = User(principal: "alice", attributes: ["roles": ["admin"], "teams": ["ml"]])
/// try await User.withCurrent(alice) {
///     try await store.fetchPage(query)  // filtered for alice
/// }
/// ```
///
/// Codable as llama-stack's `User`: `{"principal": "…", "attributes": {"roles": ["…"]}}`; missing
/// or `null` attributes decode as empty.
public struct User: Hashable, Sendable {
    /// The authenticated principal, such as a user name or subject identifier.
    public var principal: String

    /// The principal's attributes, each a list of values: `roles`, `teams`, `projects`,
    /// `namespaces`, and any others the authentication provider supplies.
    public var attributes: [String: [String]]

    /// Creates a user.
    ///
    /// - Parameters:
    ///   - principal: The authenticated principal.
    ///   - attributes: The attribute lists by name; none by default.
    public init(principal: String, attributes: [String: [String]] = [:]) {
        self.principal = principal
        self.attributes = attributes
    }

    /// The user the current task runs as, or `nil` when it is anonymous.
    ///
    /// Set it for a scope with ``withCurrent(_:isolation:operation:)`` (or `User.$current.withValue`).
    @TaskLocal public static var current: User?

    /// Runs `operation` with ``current`` set to `user`, then restores the previous value.
    ///
    /// - Parameters:
    ///   - user: The user to run as, or `nil` for anonymous.
    ///   - isolation: The caller's actor isolation; leave the default.
    ///   - operation: The work to run as `user`.
    /// - Returns: What `operation` returns.
    /// - Throws: What `operation` throws.
    public static func withCurrent<R>(
        _ user: User?,
        isolation: isolated (any Actor)? = #isolation,
        operation: () async throws -> R
    ) async rethrows -> R {
        try await Self.$current.withValue(user, operation: operation)
    }
}

extension User: Codable {
    private enum CodingKeys: String, CodingKey {
        case principal
        case attributes
    }

    /// Decodes a user; missing or `null` attributes decode as empty.
    ///
    /// - Parameter decoder: The decoder to read from.
    /// - Throws: `DecodingError` when `principal` is missing or not a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.principal = try container.decode(String.self, forKey: .principal)
        self.attributes = try container.decodeIfPresent([String: [String]].self, forKey: .attributes) ?? [:]
    }

    /// Encodes the principal and the attributes.
    ///
    /// - Parameter encoder: The encoder to write to.
    /// - Throws: The encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.principal, forKey: .principal)
        try container.encode(self.attributes, forKey: .attributes)
    }
}
