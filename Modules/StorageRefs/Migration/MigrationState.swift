import Yams

/// The bookkeeping of one migration: backends declared so far (existing and new) and problems found.
struct MigrationState {
    struct Store {
        var name: String
        var family: StorageBackendFamily
        var defaultNamespace: String?
        var tableName: String?
        var queued: Bool
    }

    struct Backend {
        var name: String
        var family: StorageBackendFamily
        var signature: [String]
        var node: Node
    }

    static let topLevelStores: [(String, Store)] = [
        (
            "metadata_store",
            Store(name: "metadata", family: .keyValue, defaultNamespace: "registry", tableName: nil, queued: false)
        ),
        (
            "inference_store",
            Store(name: "inference", family: .sql, defaultNamespace: nil, tableName: "inference_store", queued: true)
        ),
        (
            "conversations_store",
            Store(
                name: "conversations",
                family: .sql,
                defaultNamespace: nil,
                tableName: "openai_conversations",
                queued: false
            )
        ),
    ]

    static let legacyTypes = ["sqlite", "postgres", "redis", "mongodb"]

    private(set) var backends: [Backend] = []
    private(set) var createdBackends: [Backend] = []
    private var existingStorage: Node.Mapping?
    var migratedPaths: [ConfigPath] = []
    var issues: [ConfigIssue] = []

    init(existingStorage: Node?) {
        if case .mapping(let storage) = existingStorage {
            self.existingStorage = storage
            if case .mapping(let declared) = storage["backends"] {
                for (key, value) in declared {
                    guard let name = key.string, case .mapping(let block) = value, let type = block["type"]?.string,
                        let backendType = StorageBackendType(rawValue: type)
                    else { continue }
                    backends.append(
                        Backend(
                            name: name,
                            family: backendType.family,
                            signature: Self.signature(of: block, type: type),
                            node: value
                        )
                    )
                }
            }
        }
    }

    /// Whether `block` is a pre-named-backends store config.
    static func isLegacyBlock(_ block: Node.Mapping) -> Bool {
        guard let type = block["type"]?.string else { return false }
        return legacyTypes.contains(type)
            || !type.hasPrefix("kv_") && !type.hasPrefix("sql_") && block["backend"] == nil
    }

    /// The connection settings that decide whether two blocks share a backend: the new type and every key but
    /// `type` and `namespace`, with values as written.
    private static func signature(of block: Node.Mapping, type: String) -> [String] {
        var parts = ["type=\(type)"]
        for (key, value) in block {
            guard let name = key.string, name != "type", name != "namespace" else { continue }
            parts.append("\(name)=\(canonical(value))")
        }
        return parts.sorted()
    }

    private static func canonical(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .mapping(let mapping):
            return "{" + mapping.map { "\($0.key.string ?? ""):\(canonical($0.value))" }.sorted().joined(separator: ",")
                + "}"
        case .alias: return "*"
        }
    }

    /// The backend for a legacy block, declaring a new one unless an identical one exists.
    mutating func backend(for block: Node.Mapping, family: StorageBackendFamily, at path: ConfigPath) -> Backend? {
        let legacyType = block["type"]?.string ?? ""
        guard Self.legacyTypes.contains(legacyType) else {
            issues.append(
                ConfigIssue(
                    path: path.appending("type"),
                    problem:
                        "'\(legacyType)' is not a store type; legacy store configs use sqlite, postgres, redis or mongodb"
                )
            )
            return nil
        }
        let prefix = family == .keyValue ? "kv" : "sql"
        let newType = "\(prefix)_\(legacyType)"
        guard StorageBackendType(rawValue: newType) != nil else {
            issues.append(
                ConfigIssue(
                    path: path.appending("type"),
                    problem: "'\(legacyType)' cannot hold a table store; use sqlite or postgres"
                )
            )
            return nil
        }
        let signature = Self.signature(of: block, type: newType)
        if let existing = backends.first(where: { $0.signature == signature }) {
            return existing
        }
        var pairs: [(String, Node)] = [("type", Node(newType))]
        for (key, value) in block {
            guard let name = key.string, name != "type", name != "namespace" else { continue }
            pairs.append((name, value))
        }
        let backend = Backend(
            name: nextName(prefix: prefix),
            family: family,
            signature: signature,
            node: .mapping(OrderedMapping(pairs: pairs).mapping(like: block))
        )
        backends.append(backend)
        createdBackends.append(backend)
        return backend
    }

    private func nextName(prefix: String) -> String {
        let taken = Set(backends.map(\.name))
        if !taken.contains("\(prefix)_default") { return "\(prefix)_default" }
        var number = 2
        while taken.contains("\(prefix)_\(number)") { number += 1 }
        return "\(prefix)_\(number)"
    }

    /// The reference that replaces a legacy block.
    func reference(backend: Backend, block: Node.Mapping, store: Store) -> Node {
        var pairs: [(String, Node)] = [("backend", Node(backend.name))]
        if store.family == .keyValue {
            let namespace =
                block["namespace"].flatMap { $0.null == nil ? $0 : nil } ?? Node(store.defaultNamespace ?? "default")
            pairs.append(("namespace", namespace))
        } else {
            pairs.append(("table_name", Node(store.tableName ?? "store")))
            if store.queued {
                pairs.append(("max_write_queue_size", Node("10000")))
                pairs.append(("num_writers", Node("4")))
            }
        }
        return .mapping(OrderedMapping(pairs: pairs).mapping())
    }

    /// Rewrites the legacy blocks of one provider entry (`providers.<api>[i]`), or nil when it has none.
    mutating func migrateProvider(_ provider: Node.Mapping, api: String, at path: ConfigPath) -> Node.Mapping? {
        guard case .mapping(let config) = provider["config"] else { return nil }
        let providerID = provider["provider_id"]?.string ?? "\(path.components.count)"
        let configPath = path.appending("config")
        var fields = OrderedMapping(config)
        var persistence: [(String, Node)] = []
        var persistencePosition: Int?
        var changed = false

        for index in fields.pairs.indices {
            let key = fields.pairs[index].0
            guard case .mapping(let block) = fields.pairs[index].1, Self.isLegacyBlock(block) else { continue }
            let blockPath = configPath.appending(key)
            switch key {
            case "kvstore", "persistence_store":
                let store = Store(
                    name: key,
                    family: .keyValue,
                    defaultNamespace: "\(api)::\(providerID)",
                    tableName: nil,
                    queued: false
                )
                guard let backend = backend(for: block, family: .keyValue, at: blockPath) else { continue }
                let reference = reference(backend: backend, block: block, store: store)
                persistence.append(key == "kvstore" ? ("", reference) : ("agent_state", reference))
            case "responses_store":
                let store = Store(name: key, family: .sql, defaultNamespace: nil, tableName: "responses", queued: false)
                guard let backend = backend(for: block, family: .sql, at: blockPath) else { continue }
                persistence.append(("responses", reference(backend: backend, block: block, store: store)))
            case "metadata_store":
                let table = "\(providerID.replacingNonIdentifierCharacters())_metadata"
                let store = Store(name: key, family: .sql, defaultNamespace: nil, tableName: table, queued: false)
                guard let backend = backend(for: block, family: .sql, at: blockPath) else { continue }
                fields.pairs[index].1 = reference(backend: backend, block: block, store: store)
                migratedPaths.append(blockPath)
                changed = true
                continue
            default:
                continue
            }
            migratedPaths.append(blockPath)
            persistencePosition = min(persistencePosition ?? index, index)
            fields.pairs[index].0 = ""
            changed = true
        }
        guard changed else { return nil }

        if let position = persistencePosition {
            if fields.index(of: "persistence") != nil {
                issues.append(
                    ConfigIssue(
                        path: configPath.appending("persistence"),
                        problem: "already exists next to legacy store blocks; merge them by hand"
                    )
                )
                return nil
            }
            let value: Node
            if persistence.count == 1, persistence[0].0.isEmpty {
                value = persistence[0].1
            } else {
                value = .mapping(
                    OrderedMapping(pairs: persistence.map { ($0.0.isEmpty ? "kvstore" : $0.0, $0.1) }).mapping()
                )
            }
            fields.pairs.insert(("persistence", value), at: position)
        }
        fields.pairs.removeAll { $0.0.isEmpty }
        var result = OrderedMapping(provider)
        result.pairs[result.index(of: "config")!].1 = .mapping(fields.mapping(like: config))
        return result.mapping(like: provider)
    }

    /// The `storage` mapping: the existing one (if any) with the new backends and stores added.
    func storageNode(adding stores: [(String, Node)]) -> Node {
        var storage = existingStorage.map(OrderedMapping.init) ?? OrderedMapping(pairs: [])
        var declared: OrderedMapping
        if case .mapping(let existing) = storage["backends"] {
            declared = OrderedMapping(existing)
        } else {
            declared = OrderedMapping(pairs: [])
        }
        for backend in createdBackends { declared.pairs.append((backend.name, backend.node)) }
        var storeMapping: OrderedMapping
        if case .mapping(let existing) = storage["stores"] {
            storeMapping = OrderedMapping(existing)
        } else {
            storeMapping = OrderedMapping(pairs: [])
        }
        for (name, reference) in stores {
            if let index = storeMapping.index(of: name) {
                storeMapping.pairs[index].1 = reference
            } else {
                storeMapping.pairs.append((name, reference))
            }
        }
        func set(_ key: String, _ value: Node) {
            if let index = storage.index(of: key) {
                storage.pairs[index].1 = value
            } else {
                storage.pairs.append((key, value))
            }
        }
        set("backends", .mapping(declared.mapping()))
        if !storeMapping.pairs.isEmpty { set("stores", .mapping(storeMapping.mapping())) }
        return .mapping(storage.mapping(like: existingStorage))
    }
}

extension String {
    /// The string with every character outside `[A-Za-z0-9_]` replaced by `_`, prefixed with `_` when it starts
    /// with a digit.
    fileprivate func replacingNonIdentifierCharacters() -> String {
        var result = String(map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if result.first?.isNumber ?? true { result = "_" + result }
        return result
    }
}
