import Yams

/// Rewrites a run config written before named storage backends into `storage.backends` + `storage.stores`
/// and references, as llama-stack's storage-backends change did by hand.
///
/// What moves:
///
/// | legacy block | becomes |
/// |---|---|
/// | top-level `metadata_store` | `storage.stores.metadata` (namespace `registry`, or the block's own `namespace`) |
/// | top-level `inference_store` | `storage.stores.inference` (table `inference_store`, queue 10000 × 4 writers) |
/// | top-level `conversations_store` | `storage.stores.conversations` (table `openai_conversations`) |
/// | provider `kvstore` | provider `persistence: {backend, namespace}` (namespace `<api>::<provider_id>` unless set) |
/// | provider `persistence_store` | provider `persistence.agent_state` (key-value) |
/// | provider `responses_store` | provider `persistence.responses` (table `responses`) |
/// | provider `metadata_store` | the same key, holding a table reference (table `<provider_id>_metadata`) |
///
/// A legacy block is a mapping whose `type` is `sqlite`, `postgres`, `redis` or `mongodb`. Blocks with identical
/// connection settings (every key but `namespace`) share one backend: key-value backends are named
/// `kv_default`, `kv_2`, …, table backends `sql_default`, `sql_2`, … (skipping names already taken).
/// `${env.…}` placeholders are copied verbatim, never resolved. Unrelated keys keep their order and values;
/// `storage` takes the place of the first top-level legacy block (or goes last). A config that already has
/// `storage` and no legacy blocks comes back byte-for-byte unchanged; legacy blocks next to an existing
/// `storage` section are added to it, reusing its backends when the settings match.
///
/// > Note: YAML comments are not carried over into a rewritten config.
public struct LegacyConfigMigration: Sendable {
    /// The outcome of a migration.
    public struct Result: Sendable, Hashable {
        /// The rewritten YAML (the input itself when nothing changed).
        public var yaml: String
        /// How many legacy store blocks were rewritten into references.
        public var migratedStores: Int
        /// How many new backends were declared for them.
        public var createdBackends: Int
        /// Paths of the blocks that were rewritten, in document order.
        public var migratedPaths: [ConfigPath]

        /// Whether the input was returned unchanged.
        public var isUnchanged: Bool { migratedStores == 0 }

        /// `3 stores → 2 backends`, or `already migrated: unchanged`.
        public var summary: String {
            if isUnchanged { return "no legacy store configs found: unchanged" }
            let stores = migratedStores == 1 ? "1 store" : "\(migratedStores) stores"
            let backends = createdBackends == 1 ? "1 backend" : "\(createdBackends) backends"
            return "\(stores) → \(backends)"
        }
    }

    /// Creates a migration.
    public init() {}

    /// Migrates a run config.
    ///
    /// - Throws: ``StorageConfigError``: ``StorageConfigError/Code/invalidYAML`` when the text does not parse;
    ///   ``StorageConfigError/Code/invalidConfig`` when a legacy block cannot be migrated (an unknown `type`, a
    ///   `redis` or `mongodb` block where a table store is needed, a provider that already has `persistence`),
    ///   listing every such block.
    public func migrate(yaml: String) throws(StorageConfigError) -> Result {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw StorageConfigError(
                    code: .invalidYAML,
                    issues: [ConfigIssue(path: .root, problem: "is empty: a run config is a YAML mapping")]
                )
            }
            root = composed
        } catch let error as StorageConfigError {
            throw error
        } catch {
            throw StorageConfigError(
                code: .invalidYAML,
                issues: [ConfigIssue(path: .root, problem: "is not valid YAML: \(error)")]
            )
        }
        guard case .mapping(let rootMapping) = root else {
            throw StorageConfigError(
                code: .invalidYAML,
                issues: [ConfigIssue(path: .root, problem: "must be a YAML mapping")]
            )
        }

        var state = MigrationState(existingStorage: rootMapping["storage"])
        var document = OrderedMapping(rootMapping)

        // Top-level server stores.
        var storeEntries: [(String, Node)] = []
        var storagePosition: Int?
        for (key, store) in MigrationState.topLevelStores {
            guard let index = document.index(of: key), let block = document.pairs[index].1.mapping,
                MigrationState.isLegacyBlock(block)
            else { continue }
            let path = ConfigPath.root.appending(key)
            if let backend = state.backend(for: block, family: store.family, at: path) {
                storeEntries.append((store.name, state.reference(backend: backend, block: block, store: store)))
                state.migratedPaths.append(path)
            }
            storagePosition = min(storagePosition ?? index, index)
            document.pairs[index].0 = ""  // marked for removal
        }

        // Provider-level stores.
        if let providersIndex = document.index(of: "providers"),
            case .mapping(let providers) = document.pairs[providersIndex].1
        {
            var providersMapping = OrderedMapping(providers)
            for apiIndex in providersMapping.pairs.indices {
                let api = providersMapping.pairs[apiIndex].0
                guard case .sequence(var list) = providersMapping.pairs[apiIndex].1 else { continue }
                for position in list.indices {
                    guard case .mapping(let provider) = list[position] else { continue }
                    let path = ConfigPath("providers").appending(api).appending(index: position)
                    if let rewritten = state.migrateProvider(provider, api: api, at: path) {
                        list[position] = .mapping(rewritten)
                    }
                }
                providersMapping.pairs[apiIndex].1 = .sequence(list)
            }
            document.pairs[providersIndex].1 = .mapping(providersMapping.mapping(like: providers))
        }

        guard state.issues.isEmpty else {
            throw StorageConfigError(code: .invalidConfig, issues: state.issues)
        }
        guard !state.migratedPaths.isEmpty else {
            return Result(yaml: yaml, migratedStores: 0, createdBackends: 0, migratedPaths: [])
        }

        // Assemble storage: existing section (if any) plus new backends and stores.
        let storageNode = state.storageNode(adding: storeEntries)
        if let existing = document.index(of: "storage") {
            document.pairs[existing].1 = storageNode
        } else if let position = storagePosition {
            document.pairs.insert(("storage", storageNode), at: position)
        } else {
            document.pairs.append(("storage", storageNode))
        }
        document.pairs.removeAll { $0.0.isEmpty }

        let output: String
        do {
            output = try Yams.serialize(
                node: .mapping(document.mapping(like: rootMapping)),
                indent: 2,
                width: -1,
                allowUnicode: true
            )
        } catch {
            throw StorageConfigError(
                code: .invalidYAML,
                issues: [ConfigIssue(path: .root, problem: "could not be written as YAML: \(error)")]
            )
        }
        return Result(
            yaml: output,
            migratedStores: state.migratedPaths.count,
            createdBackends: state.createdBackends.count,
            migratedPaths: state.migratedPaths
        )
    }
}

/// A YAML mapping as an editable array of `(key, value)` pairs, keeping order.
struct OrderedMapping {
    var pairs: [(String, Node)]

    init(_ mapping: Node.Mapping) {
        pairs = mapping.map { ($0.key.string ?? "", $0.value) }
    }

    init(pairs: [(String, Node)]) {
        self.pairs = pairs
    }

    func index(of key: String) -> Int? {
        pairs.firstIndex { $0.0 == key }
    }

    subscript(key: String) -> Node? {
        index(of: key).map { pairs[$0].1 }
    }

    /// A Yams mapping with these pairs and the tag and style of `original`.
    func mapping(like original: Node.Mapping? = nil) -> Node.Mapping {
        Node.Mapping(pairs.map { (Node($0.0), $0.1) }, original?.tag ?? .implicit, original?.style ?? .any)
    }
}
