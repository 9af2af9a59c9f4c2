import Foundation

/// Reads the fields of one YAML mapping into typed values, collecting every problem with its path.
///
/// Leniency follows pydantic's lax mode where that is safe: an integer field accepts an integer, an integral
/// float or a string of digits; a string field takes a scalar's exact text (so `password: 007` stays `"007"`).
/// A null value (including a substitution that produced nothing) counts as absent, so the default applies.
/// Every key not read is reported as unknown, listing the keys the block allows.
struct ConfigBlockReader {
    let path: ConfigPath
    private let entries: [ConfigEntry]
    private(set) var issues: [ConfigIssue] = [] {
        didSet { if !rejectingKeys { invalidFieldCount += issues.count - oldValue.count } }
    }
    /// Issues about values (missing, wrong kind); unknown keys are not counted.
    private(set) var invalidFieldCount = 0
    private var rejectingKeys = false

    /// Reads `node` at `path`; a node that is not a mapping yields an issue and no entries.
    init(_ node: ConfigNode, at path: ConfigPath) {
        self.path = path
        if let entries = node.entries {
            self.entries = entries
        } else {
            self.entries = []
            issues.append(ConfigIssue(path: path, problem: "must be a mapping, found \(node.kindDescription)"))
        }
    }

    var keys: [String] { entries.map(\.key) }

    subscript(key: String) -> ConfigNode? {
        entries.first(where: { $0.key == key })?.value
    }

    /// The scalar at `key`, or nil when absent or null; a non-scalar yields an issue.
    private mutating func scalar(_ key: String, expecting: String) -> ConfigScalar? {
        guard let node = self[key] else { return nil }
        guard case .scalar(let scalar) = node else {
            issues.append(
                ConfigIssue(path: path.appending(key), problem: "must be \(expecting), found \(node.kindDescription)")
            )
            return nil
        }
        return scalar.isNull ? nil : scalar
    }

    /// An optional string.
    mutating func string(_ key: String) -> String? {
        scalar(key, expecting: "a string")?.text
    }

    /// A string with a default.
    mutating func string(_ key: String, default defaultValue: String) -> String {
        string(key) ?? defaultValue
    }

    /// A required string; absent or null yields an issue and "".
    mutating func requiredString(_ key: String) -> String {
        let present = self[key] != nil
        let issuesBefore = issues.count
        if let value = string(key) { return value }
        if issues.count == issuesBefore {
            issues.append(
                ConfigIssue(
                    path: path.appending(key),
                    problem: present ? "is required, but its value is null" : "is required"
                )
            )
        }
        return ""
    }

    /// An optional secret.
    mutating func secret(_ key: String) -> Secret? {
        string(key).map(Secret.init)
    }

    /// An integer with a default.
    mutating func int(_ key: String, default defaultValue: Int) -> Int {
        guard let scalar = scalar(key, expecting: "an integer") else { return defaultValue }
        switch scalar.kind {
        case .int(let value):
            return value
        case .double(let value) where value.rounded() == value && abs(value) < 1e15:
            return Int(value)
        case .string:
            if let value = Int(scalar.text.trimmingCharacters(in: .whitespaces)) { return value }
        default:
            break
        }
        let shown = scalar.substituted ? "" : " '\(scalar.text)'"
        issues.append(
            ConfigIssue(
                path: path.appending(key),
                problem: "must be an integer, found \(scalar.kindDescription)\(shown)"
            )
        )
        return defaultValue
    }

    /// Records a problem found by the caller.
    mutating func issues(append issue: ConfigIssue) {
        issues.append(issue)
    }

    /// Reports every key not in `allowed`.
    mutating func rejectUnknownKeys(allowed: [String], what: String) {
        rejectingKeys = true
        defer { rejectingKeys = false }
        for key in keys where !allowed.contains(key) {
            issues.append(
                ConfigIssue(
                    path: path.appending(key),
                    problem: "is not a known key for \(what); allowed keys: \(allowed.joined(separator: ", "))"
                )
            )
        }
    }
}
