import Foundation
import Yams

/// A parsed YAML value that remembers each scalar's exact text, so a string field receives `"007"` and not `7`.
///
/// Mapping keys keep their document order. Scalars carry the kind the YAML resolver (or, after environment
/// substitution, llama-stack's coercion rules) gave them; typed decoding decides how lenient to be.
package indirect enum ConfigNode: Sendable, Hashable {
    case scalar(ConfigScalar)
    case sequence([ConfigNode])
    case mapping([ConfigEntry])

    /// The entries when this is a mapping.
    package var entries: [ConfigEntry]? {
        if case .mapping(let entries) = self { return entries }
        return nil
    }

    /// The value for `key` when this is a mapping that has it.
    package subscript(key: String) -> ConfigNode? {
        entries?.first(where: { $0.key == key })?.value
    }

    /// A short noun for messages: "a mapping", "a list", "the number 3".
    package var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar): return scalar.kindDescription
        }
    }
}

/// One `key: value` pair of a mapping.
package struct ConfigEntry: Sendable, Hashable {
    package var key: String
    package var value: ConfigNode

    package init(key: String, value: ConfigNode) {
        self.key = key
        self.value = value
    }
}

/// A scalar with its exact text and its resolved kind.
package struct ConfigScalar: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string
    }

    /// The scalar's text, after environment substitution when one happened.
    package var text: String
    /// The resolved kind.
    package var kind: Kind
    /// Whether an `${env.…}` placeholder was substituted in this scalar.
    package var substituted: Bool

    package init(text: String, kind: Kind, substituted: Bool = false) {
        self.text = text
        self.kind = kind
        self.substituted = substituted
    }

    package var isNull: Bool { kind == .null }

    package var kindDescription: String {
        switch kind {
        case .null: return "null"
        case .bool(let value): return "the boolean \(value)"
        case .int(let value): return "the number \(value)"
        case .double(let value): return "the number \(value)"
        case .string: return "a string"
        }
    }

    /// Resolves `text` with llama-stack's coercion of substituted strings: `""` is null, `true`/`false` (any case)
    /// are booleans, then an integer, then a float, else the string.
    package static func coerced(_ text: String) -> ConfigScalar {
        if text.isEmpty { return ConfigScalar(text: text, kind: .null, substituted: true) }
        switch text.lowercased() {
        case "true": return ConfigScalar(text: text, kind: .bool(true), substituted: true)
        case "false": return ConfigScalar(text: text, kind: .bool(false), substituted: true)
        default: break
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let int = Int(trimmed.replacingOccurrences(of: "_", with: "")), !trimmed.hasPrefix("_"),
            !trimmed.hasSuffix("_"), !trimmed.contains("__")
        {
            return ConfigScalar(text: text, kind: .int(int), substituted: true)
        }
        if let double = Double(trimmed) ?? pythonSpecialFloat(trimmed) {
            return ConfigScalar(text: text, kind: .double(double), substituted: true)
        }
        return ConfigScalar(text: text, kind: .string, substituted: true)
    }

    private static func pythonSpecialFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: return nil
        }
    }
}

extension ConfigNode {
    /// Parses YAML text. The top level must be a mapping.
    ///
    /// YAML 1.1 scalar resolution as in PyYAML (which llama-stack uses): `yes`/`no`/`on`/`off` are booleans,
    /// `~` and empty values are null. Aliases are expanded. Duplicate keys are an error.
    package static func parse(yaml: String) throws(StorageConfigError) -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw StorageConfigError(
                code: .invalidYAML,
                issues: [ConfigIssue(path: .root, problem: yamlProblem(error))]
            )
        }
        guard let root else {
            throw StorageConfigError(
                code: .invalidYAML,
                issues: [ConfigIssue(path: .root, problem: "is empty: a run config is a YAML mapping")]
            )
        }
        var issues: [ConfigIssue] = []
        let node = convert(root, at: .root, issues: &issues)
        guard issues.isEmpty else { throw StorageConfigError(code: .invalidYAML, issues: issues) }
        guard case .mapping = node else {
            throw StorageConfigError(
                code: .invalidYAML,
                issues: [ConfigIssue(path: .root, problem: "must be a YAML mapping, found \(node.kindDescription)")]
            )
        }
        return node
    }

    private static func convert(_ node: Node, at path: ConfigPath, issues: inout [ConfigIssue]) -> ConfigNode {
        switch node {
        case .scalar(let scalar):
            return .scalar(convert(scalar, node: node))
        case .sequence(let sequence):
            return .sequence(
                sequence.enumerated().map { convert($0.element, at: path.appending(index: $0.offset), issues: &issues) }
            )
        case .mapping(let mapping):
            var entries: [ConfigEntry] = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    issues.append(ConfigIssue(path: path, problem: "has a key that is not a plain string"))
                    continue
                }
                let key = keyScalar.string
                if key == "<<" {
                    // YAML merge key: copy the merged mapping's entries that are not set explicitly.
                    let merged = convert(valueNode, at: path, issues: &issues)
                    for entry in merged.entries ?? [] where !mapping.contains(where: { $0.key.string == entry.key }) {
                        entries.append(entry)
                    }
                    continue
                }
                entries.append(
                    ConfigEntry(key: key, value: convert(valueNode, at: path.appending(key), issues: &issues))
                )
            }
            return .mapping(entries)
        case .alias:
            // Yams expands aliases while composing; a bare alias node cannot reach here.
            return .scalar(ConfigScalar(text: "", kind: .null))
        }
    }

    private static func convert(_ scalar: Node.Scalar, node: Node) -> ConfigScalar {
        let text = scalar.string
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue:
            return ConfigScalar(text: text, kind: .null)
        case Tag.Name.bool.rawValue:
            if let value = node.bool { return ConfigScalar(text: text, kind: .bool(value)) }
        case Tag.Name.int.rawValue:
            if let value = node.int { return ConfigScalar(text: text, kind: .int(value)) }
        case Tag.Name.float.rawValue:
            if let value = node.float { return ConfigScalar(text: text, kind: .double(value)) }
        default:
            break
        }
        return ConfigScalar(text: text, kind: .string)
    }

    private static func yamlProblem(_ error: any Error) -> String {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .duplicatedKeysInMapping(let duplicates, let context):
                return
                    "has duplicate keys \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) \(context.description)"
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return "is not valid YAML: \(problem) at line \(mark.line), column \(mark.column)"
            default:
                break
            }
        }
        return "is not valid YAML: \(error)"
    }
}

extension ConfigNode {
    /// This node as a plain value, with scalars resolved to their kinds.
    package var value: ConfigValue {
        switch self {
        case .scalar(let scalar):
            switch scalar.kind {
            case .null: return .null
            case .bool(let value): return .bool(value)
            case .int(let value): return .int(value)
            case .double(let value): return .double(value)
            case .string: return .string(scalar.text)
            }
        case .sequence(let items):
            return .array(items.map(\.value))
        case .mapping(let entries):
            var object: [String: ConfigValue] = [:]
            for entry in entries { object[entry.key] = entry.value.value }
            return .object(object)
        }
    }
}
