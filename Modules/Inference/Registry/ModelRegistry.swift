/// The models one provider serves: its known entries with their aliases, the models registered
/// against it, and the rules that decide what a registration may do (llama-stack's
/// `ModelRegistryHelper`, with `unregister` that really removes and `allowed_models` enforced).
///
/// Resolution: ``providerModelID(for:)`` looks at registrations first, then at entry ids and aliases.
/// ``register(_:)``:
/// - the model's `providerResourceID` must resolve through an entry, or be reported available by the
///   `dynamicAvailability` hook (a provider asking its server), else ``ModelRegistryError/Code-swift.struct/unsupportedModel``
///   listing the supported ids;
/// - with `allowedModels` set, the resolved provider id must be in it, else `modelNotAllowed`;
/// - an identifier already registered (or an alias) for a different provider model is
///   `conflictingRegistration`; registering the same mapping again is a no-op returning the existing model.
///
/// ```swift
/// let registry = ModelRegistry(providerID: "vllm", entries: [
///     ProviderModelEntry(providerModelID: "meta-llama/Llama-3.1-8B-Instruct", aliases: ["llama3.1-8b"]),
/// ])
/// try await registry.register(RegisteredModel(identifier: "my-llama", providerResourceID: "llama3.1-8b", providerID: "vllm"))
/// await registry.providerModelID(for: "my-llama")   // "meta-llama/Llama-3.1-8B-Instruct"
/// ```
public actor ModelRegistry {
    /// The provider these models belong to.
    public nonisolated let providerID: String
    /// The provider's known models.
    public nonisolated let entries: [ProviderModelEntry]
    /// The provider model ids callers may use; `nil` allows every model.
    public nonisolated let allowedModels: Set<String>?

    private let aliasToProviderID: [String: String]
    private let dynamicAvailability: (@Sendable (String) async throws -> Bool)?
    private var registrations: [String: RegisteredModel] = [:]

    /// Creates a registry.
    ///
    /// - Parameters:
    ///   - providerID: The provider's id, reported in models and errors.
    ///   - entries: The models the provider is known to serve. An alias listed by two entries resolves
    ///     to the first.
    ///   - allowedModels: Provider model ids callers may use; `nil` (default) or empty allows all.
    ///   - dynamicAvailability: Asked whether a provider model id not among the entries is served
    ///     (for example by listing the server's models); `nil` means only entries are served.
    public init(
        providerID: String,
        entries: [ProviderModelEntry] = [],
        allowedModels: [String]? = nil,
        dynamicAvailability: (@Sendable (String) async throws -> Bool)? = nil
    ) {
        self.providerID = providerID
        self.entries = entries
        self.allowedModels = (allowedModels?.isEmpty ?? true) ? nil : Set(allowedModels!)
        self.dynamicAvailability = dynamicAvailability
        var map: [String: String] = [:]
        for entry in entries {
            for name in [entry.providerModelID] + entry.aliases where map[name] == nil {
                map[name] = entry.providerModelID
            }
        }
        self.aliasToProviderID = map
    }

    /// The models to advertise: one per entry id and one per alias (each resolving to the entry's
    /// provider id), then every registration, without those outside `allowedModels`. Sorted by identifier.
    public func models() -> [RegisteredModel] {
        var models: [String: RegisteredModel] = [:]
        for entry in entries where isAllowed(entry.providerModelID) {
            for name in [entry.providerModelID] + entry.aliases where models[name] == nil {
                models[name] = RegisteredModel(
                    identifier: name,
                    providerResourceID: entry.providerModelID,
                    providerID: providerID,
                    kind: entry.kind,
                    metadata: entry.metadata
                )
            }
        }
        for (identifier, model) in registrations where isAllowed(model.providerResourceID) {
            models[identifier] = model
        }
        return models.values.sorted { $0.identifier < $1.identifier }
    }

    /// The provider model id that `identifier` resolves to: a registration's, else an entry id's or
    /// alias's; `nil` when nothing matches.
    public func providerModelID(for identifier: String) -> String? {
        registrations[identifier]?.providerResourceID ?? aliasToProviderID[identifier]
    }

    /// The registration of `identifier`, if any.
    public func registration(_ identifier: String) -> RegisteredModel? {
        registrations[identifier]
    }

    /// Whether `providerModelID` passes `allowedModels`.
    public nonisolated func isAllowed(_ providerModelID: String) -> Bool {
        allowedModels?.contains(providerModelID) ?? true
    }

    /// Registers `model` under its identifier, resolving its provider resource id.
    ///
    /// - Parameter model: The model; its `providerResourceID` may be an entry id, an alias, or a
    ///   provider id the dynamic hook reports available.
    /// - Returns: The registration, with `providerResourceID` resolved to the provider model id and the
    ///   entry's kind and metadata filled in when the model did not set them.
    /// - Throws: ``ModelRegistryError`` as described on the type; the dynamic hook's error as it is.
    @discardableResult
    public func register(_ model: RegisteredModel) async throws -> RegisteredModel {
        guard !model.identifier.isEmpty else {
            throw ModelRegistryError(code: .invalidArgument, message: "a model needs a non-empty identifier")
        }
        var resolved = model
        resolved.providerID = providerID
        if let known = aliasToProviderID[model.providerResourceID] {
            resolved.providerResourceID = known
            if let entry = entries.first(where: { $0.providerModelID == known }) {
                if model.metadata.isEmpty { resolved.metadata = entry.metadata }
                if model.kind == .llm { resolved.kind = entry.kind }
            }
        } else if let dynamicAvailability, try await dynamicAvailability(model.providerResourceID) {
            resolved.providerResourceID = model.providerResourceID
        } else {
            let supported = aliasToProviderID.keys.sorted()
            let listed = supported.isEmpty ? "none" : supported.prefix(20).joined(separator: ", ") + (supported.count > 20 ? ", ..." : "")
            throw ModelRegistryError(
                code: .unsupportedModel,
                message: "Model \(model.providerResourceID) is not available from provider \(providerID); supported models: \(listed)"
            )
        }
        guard isAllowed(resolved.providerResourceID) else {
            throw ModelRegistryError(
                code: .modelNotAllowed,
                message: "Model \(resolved.providerResourceID) is not in the allowed models of provider \(providerID)"
            )
        }
        if let existing = registrations[resolved.identifier] {
            guard existing.providerResourceID == resolved.providerResourceID else {
                throw ModelRegistryError(
                    code: .conflictingRegistration,
                    message: "Model \(resolved.identifier) is already registered to \(existing.providerResourceID), not \(resolved.providerResourceID)"
                )
            }
            return existing
        }
        if let aliasTarget = aliasToProviderID[resolved.identifier], aliasTarget != resolved.providerResourceID {
            throw ModelRegistryError(
                code: .conflictingRegistration,
                message: "Model \(resolved.identifier) is an alias of \(aliasTarget), not \(resolved.providerResourceID)"
            )
        }
        registrations[resolved.identifier] = resolved
        return resolved
    }

    /// Removes the registration of `identifier`; entries and their aliases stay.
    ///
    /// - Parameter identifier: A registered identifier.
    /// - Returns: The removed registration.
    /// - Throws: ``ModelRegistryError/Code-swift.struct/notRegistered`` when nothing is registered under it.
    @discardableResult
    public func unregister(_ identifier: String) throws(ModelRegistryError) -> RegisteredModel {
        guard let removed = registrations.removeValue(forKey: identifier) else {
            throw ModelRegistryError(code: .notRegistered, message: "no model is registered as \(identifier) with provider \(providerID)")
        }
        return removed
    }
}
