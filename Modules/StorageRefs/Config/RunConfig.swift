import Foundation

/// A llama-stack-style run config, loaded for its `storage` section.
///
/// Loading parses the YAML, substitutes `${env.…}` placeholders in the `storage` section (see
/// ``EnvironmentSubstitution``) with the environment you pass in, decodes it into a ``StorageConfig`` and
/// validates it, reporting every problem at once. Other top-level keys (`providers`, `models`, …) are not
/// interpreted, except that store references inside them (mappings with `backend` and `namespace` or
/// `table_name`, such as `providers.vector_io[0].config.persistence`) are checked against the backends too.
///
/// ```swift
/// let config = try RunConfig.load(contentsOfFile: "run.yaml",
///                                 environment: ProcessInfo.processInfo.environment)
/// let catalog = StorageCatalog(config: config.storage, drivers: [...])
/// ```
public struct RunConfig: Sendable {
    /// The validated storage section.
    public var storage: StorageConfig

    /// Store references found outside `storage.stores` (in provider configs), with their paths, in document order.
    public var providerReferences: [(path: ConfigPath, reference: StoreReference)]

    /// The file this config was read from, if any.
    public var source: String?

    /// The top-level keys of the document, in order (`version`, `providers`, `storage`, …).
    public var topLevelKeys: [String]

    /// Reads and validates the run config in a file.
    ///
    /// - Parameters:
    ///   - path: The file to read. `~` is not expanded here; pass an absolute or relative path.
    ///   - environment: The variables `${env.…}` placeholders read.
    /// - Throws: ``StorageConfigError``: ``StorageConfigError/Code/unreadableFile`` when the file cannot be read,
    ///   ``StorageConfigError/Code/invalidYAML`` when it does not parse, ``StorageConfigError/Code/invalidConfig``
    ///   listing every problem otherwise.
    public static func load(
        contentsOfFile path: String,
        environment: [String: String]
    ) throws(StorageConfigError) -> RunConfig {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw StorageConfigError(
                    code: .unreadableFile,
                    issues: [ConfigIssue(path: .root, problem: "is not UTF-8 text")],
                    source: path
                )
            }
            text = decoded
        } catch let error as StorageConfigError {
            throw error
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw StorageConfigError(
                code: .unreadableFile,
                issues: [ConfigIssue(path: .root, problem: "cannot be read: \(reason)")],
                source: path
            )
        }
        do {
            return try RunConfig(yaml: text, environment: environment, source: path)
        } catch {
            var error = error
            error.source = path
            throw error
        }
    }

    /// Parses and validates a run config from YAML text.
    ///
    /// - Parameters:
    ///   - yaml: The document.
    ///   - environment: The variables `${env.…}` placeholders read.
    ///   - source: A name for messages (a file path), if any.
    /// - Throws: ``StorageConfigError`` listing every problem, each with its path.
    public init(yaml: String, environment: [String: String], source: String? = nil) throws(StorageConfigError) {
        let document = try ConfigNode.parse(yaml: yaml)
        let substitution = EnvironmentSubstitution(environment: environment)
        var issues: [ConfigIssue] = []
        let entries = document.entries ?? []

        guard let storageNode = document["storage"], !storageNode.isNull else {
            var problems = [
                ConfigIssue(
                    path: ConfigPath("storage"),
                    problem: "is missing: a run config declares its backends and stores under storage"
                )
            ]
            let legacy = entries.map(\.key).filter(LegacyStoreKeys.topLevel.contains)
            if !legacy.isEmpty {
                problems = legacy.map {
                    ConfigIssue(
                        path: ConfigPath($0),
                        problem:
                            "is a store config from before named backends; run `stackkit migrate` to move it under storage"
                    )
                }
            }
            throw StorageConfigError(code: .invalidConfig, issues: problems, source: source)
        }

        let storagePath = ConfigPath("storage")
        let resolved = substitution.resolve(storageNode, at: storagePath, issues: &issues)
        var decoder = StorageConfigDecoder()
        let storage = decoder.decode(resolved, at: storagePath)
        issues += decoder.takeIssues()
        let broken = decoder.brokenBackends
        issues += storage.validate().filter { !Self.isAboutBrokenBackend($0, storage: storage, broken: broken) }

        // Store references inside the rest of the document (provider configs).
        var found: [(ConfigPath, StoreReference)] = []
        for entry in entries where entry.key != "storage" {
            let path = ConfigPath.root.appending(entry.key)
            if LegacyStoreKeys.topLevel.contains(entry.key), entry.value.entries != nil {
                issues.append(
                    ConfigIssue(
                        path: path,
                        problem:
                            "is a store config from before named backends and is ignored; run `stackkit migrate` or move it under storage"
                    )
                )
                continue
            }
            let context = ReferenceScan(storage: storage, brokenBackends: broken, substitution: substitution)
            context.collectReferences(in: entry.value, at: path, decoder: &decoder, into: &found, issues: &issues)
        }

        guard issues.isEmpty else {
            throw StorageConfigError(code: .invalidConfig, issues: issues, source: source)
        }
        self.storage = storage
        self.providerReferences = found
        self.source = source
        self.topLevelKeys = entries.map(\.key)
    }

    private static func isAboutBrokenBackend(_ issue: ConfigIssue, storage: StorageConfig, broken: Set<String>) -> Bool
    {
        guard !broken.isEmpty else { return false }
        return storage.storeReferences.contains { $0.path == issue.path && broken.contains($0.reference.backend) }
    }

}

/// Finds and checks store references (and legacy inline store blocks) outside the storage section.
private struct ReferenceScan {
    let storage: StorageConfig
    let brokenBackends: Set<String>
    let substitution: EnvironmentSubstitution

    /// Walks `node`, appending each reference found to `found` and its problems (in document order) to `issues`.
    func collectReferences(
        in node: ConfigNode,
        at path: ConfigPath,
        decoder: inout StorageConfigDecoder,
        into found: inout [(ConfigPath, StoreReference)],
        issues: inout [ConfigIssue]
    ) {
        switch node {
        case .scalar:
            return
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                collectReferences(
                    in: item,
                    at: path.appending(index: index),
                    decoder: &decoder,
                    into: &found,
                    issues: &issues
                )
            }
        case .mapping(let entries):
            let keys = Set(entries.map(\.key))
            if keys.contains("backend"), keys.isSubset(of: LegacyStoreKeys.referenceKeys),
                keys.contains("namespace") != keys.contains("table_name")
            {
                let resolved = substitution.resolve(node, at: path, issues: &issues)
                var reference: StoreReference?
                if keys.contains("namespace") {
                    reference = decoder.decodeKVReference(resolved, at: path).map(StoreReference.keyValue)
                } else {
                    let tableFields = (resolved.entries ?? []).filter { $0.key == "backend" || $0.key == "table_name" }
                    reference = decoder.decodeSQLReference(.mapping(tableFields), at: path).map(StoreReference.table)
                }
                issues += decoder.takeIssues()
                if let reference {
                    found.append((path, reference))
                    if !brokenBackends.contains(reference.backend) { issues += storage.check(reference, at: path) }
                }
                return
            }
            if let last = path.lastKey, LegacyStoreKeys.providerLevel.contains(last), keys.contains("type") {
                issues.append(
                    ConfigIssue(
                        path: path,
                        problem:
                            "is an inline store config from before named backends; run `stackkit migrate` to replace it with a reference to a storage backend"
                    )
                )
                return
            }
            for entry in entries {
                collectReferences(
                    in: entry.value,
                    at: path.appending(entry.key),
                    decoder: &decoder,
                    into: &found,
                    issues: &issues
                )
            }
        }
    }
}

/// Keys that held inline store configs before named backends.
enum LegacyStoreKeys {
    /// Top-level store blocks of a run config.
    static let topLevel: Set<String> = ["metadata_store", "inference_store", "conversations_store"]
    /// Store blocks inside provider configs.
    static let providerLevel: Set<String> = ["kvstore", "persistence_store", "responses_store", "metadata_store"]
    /// The keys a reference mapping may have.
    static let referenceKeys: Set<String> = [
        "backend", "namespace", "table_name", "max_write_queue_size", "num_writers",
    ]
}

extension StorageConfigDecoder {
    /// Returns the issues collected so far and forgets them.
    mutating func takeIssues() -> [ConfigIssue] {
        defer { clearIssues() }
        return issues
    }
}
