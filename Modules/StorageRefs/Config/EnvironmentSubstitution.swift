import Foundation

/// Resolves llama-stack's `${env.…}` placeholders against an environment you pass in.
///
/// The rules are llama-stack's (`replace_env_vars`), with errors that name the variable and the config path:
///
/// | placeholder | variable set and non-empty | unset or empty |
/// |---|---|---|
/// | `${env.NAME}` | its value | error naming `NAME` and the path |
/// | `${env.NAME:=default}` | its value | `default` (`${env.NAME:=}` yields null) |
/// | `${env.NAME:+value}` | `value` | the empty string (so a whole-string placeholder yields null) |
///
/// - Names are `[A-Z0-9_]+`; a default or value runs to the first `}` and cannot nest placeholders.
/// - Several placeholders may share one string: `${env.HOST:=localhost}:${env.PORT:=5432}`.
/// - A substituted value that starts with `~` has it expanded to the home directory (`HOME` from the given
///   environment, else the process owner's home), so `${env.DIR:=~/.stackkit}/kv.db` becomes an absolute path.
/// - A scalar in which a substitution happened is coerced as llama-stack does: `""` → null, `true`/`false` (any
///   case) → bool, then int, then float; a scalar without placeholders keeps its YAML type, so a quoted `"8080"`
///   stays a string.
/// - Unlike llama-stack, which leaves them in place silently, text that starts a placeholder but does not form
///   one (`${env.lower}`, `${env.X:-d}`, a missing `}`) is an error, so a typo never becomes a literal path.
public struct EnvironmentSubstitution: Sendable {
    /// The variables placeholders read. Tests pass a dictionary; the tool passes the process environment.
    public var environment: [String: String]

    /// Creates a substitution over `environment`.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// Resolves every placeholder in `text`.
    ///
    /// - Parameters:
    ///   - text: The string as written in the config.
    ///   - path: Where the string is, for error messages.
    /// - Returns: The resolved value, coerced when a substitution happened.
    /// - Throws: ``StorageConfigError`` with code ``StorageConfigError/Code/invalidConfig`` listing every unset
    ///   required variable and every malformed placeholder in `text`.
    public func resolve(_ text: String, at path: ConfigPath = .root) throws(StorageConfigError) -> ConfigValue {
        var issues: [ConfigIssue] = []
        let scalar = resolve(ConfigScalar(text: text, kind: .string), at: path, issues: &issues)
        guard issues.isEmpty else { throw StorageConfigError(code: .invalidConfig, issues: issues) }
        return ConfigNode.scalar(scalar).value
    }

    /// Whether a key holds a secret whose text must never appear in a message (`password`, `api_key`, …).
    package static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "secret", "token", "api_key", "apikey"].contains { lowered.contains($0) }
    }

    /// Resolves every string scalar under `node`; problems are appended to `issues`.
    package func resolve(_ node: ConfigNode, at path: ConfigPath, issues: inout [ConfigIssue]) -> ConfigNode {
        switch node {
        case .scalar(let scalar):
            return .scalar(resolve(scalar, at: path, issues: &issues))
        case .sequence(let items):
            return .sequence(
                items.enumerated().map { resolve($0.element, at: path.appending(index: $0.offset), issues: &issues) }
            )
        case .mapping(let entries):
            return .mapping(
                entries.map {
                    ConfigEntry(key: $0.key, value: resolve($0.value, at: path.appending($0.key), issues: &issues))
                }
            )
        }
    }

    package func resolve(_ scalar: ConfigScalar, at path: ConfigPath, issues: inout [ConfigIssue]) -> ConfigScalar {
        guard case .string = scalar.kind, scalar.text.contains("${env") else { return scalar }
        let placeholders: [Placeholder]
        switch Placeholder.scan(scalar.text) {
        case .success(let found): placeholders = found
        case .failure(let problem):
            // Never echo any part of a secret's text, even a malformed placeholder in it.
            let secret = path.lastKey.map(EnvironmentSubstitution.isSecretKey) ?? false
            issues.append(
                ConfigIssue(path: path, problem: secret ? "has a malformed ${env.…} placeholder" : problem.message)
            )
            return scalar
        }
        guard !placeholders.isEmpty else { return scalar }

        var result = ""
        var cursor = scalar.text.startIndex
        var failed = false
        for placeholder in placeholders {
            result += scalar.text[cursor..<placeholder.range.lowerBound]
            cursor = placeholder.range.upperBound
            switch value(of: placeholder) {
            case .some(let value): result += value
            case .none:
                failed = true
                issues.append(
                    ConfigIssue(
                        path: path,
                        problem: "requires environment variable \(placeholder.name), which is not set (or is empty); "
                            + "set it, or write ${env.\(placeholder.name):=default} to give a default"
                    )
                )
            }
        }
        result += scalar.text[cursor...]
        if failed { return scalar }
        return ConfigScalar.coerced(result)
    }

    /// The text a placeholder stands for, or nil when it requires an unset variable.
    private func value(of placeholder: Placeholder) -> String? {
        let current = environment[placeholder.name].flatMap { $0.isEmpty ? nil : $0 }
        switch placeholder.operation {
        case .required:
            return current.map(expandingTilde)
        case .default(let fallback):
            if let current { return expandingTilde(current) }
            return fallback.isEmpty ? "" : expandingTilde(fallback)
        case .ifSet(let replacement):
            guard current != nil, !replacement.isEmpty else { return "" }
            return expandingTilde(replacement)
        }
    }

    /// `value` with a leading `~` expanded, using `HOME` from ``environment`` (see ``StoragePath/expandingTilde(_:home:)``).
    private func expandingTilde(_ value: String) -> String {
        StoragePath.expandingTilde(value, home: environment["HOME"])
    }
}

/// One `${env.NAME…}` occurrence in a string.
struct Placeholder {
    enum Operation: Equatable {
        case required
        case `default`(String)
        case ifSet(String)
    }

    var range: Range<String.Index>
    var name: String
    var operation: Operation

    /// Finds every placeholder in `text`, or describes the first malformed one.
    static func scan(_ text: String) -> Result<[Placeholder], ScanProblem> {
        var found: [Placeholder] = []
        var searchStart = text.startIndex
        while let start = text.range(of: "${env", range: searchStart..<text.endIndex) {
            guard let close = text[start.upperBound...].firstIndex(of: "}") else {
                return .failure(ScanProblem("has a placeholder '\(text[start.lowerBound...])' with no closing '}'"))
            }
            let whole = text[start.lowerBound...close]
            let body = text[start.upperBound..<close]  // ".NAME", ".NAME:=x", ".NAME:+x"
            guard body.first == "." else {
                return .failure(ScanProblem("has a malformed placeholder '\(whole)': write ${env.NAME}"))
            }
            let afterDot = body.dropFirst()
            let nameEnd = afterDot.firstIndex(where: { !isNameCharacter($0) }) ?? afterDot.endIndex
            let name = String(afterDot[..<nameEnd])
            guard !name.isEmpty else {
                return .failure(
                    ScanProblem("has a malformed placeholder '\(whole)': variable names are made of A-Z, 0-9 and _")
                )
            }
            let rest = afterDot[nameEnd...]
            let operation: Operation
            if rest.isEmpty {
                operation = .required
            } else if rest.hasPrefix(":=") {
                operation = .default(String(rest.dropFirst(2)))
            } else if rest.hasPrefix(":+") {
                operation = .ifSet(String(rest.dropFirst(2)))
            } else if rest.first == ":" {
                return .failure(
                    ScanProblem(
                        "has a placeholder '\(whole)' with an unsupported operator '\(rest.prefix(2))': use ':=' for a default or ':+' for a value used when the variable is set"
                    )
                )
            } else {
                return .failure(
                    ScanProblem("has a malformed placeholder '\(whole)': variable names are made of A-Z, 0-9 and _")
                )
            }
            found.append(
                Placeholder(range: start.lowerBound..<text.index(after: close), name: name, operation: operation)
            )
            searchStart = text.index(after: close)
        }
        return .success(found)
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let ascii = character.asciiValue else { return false }
        return (ascii >= 65 && ascii <= 90) || (ascii >= 48 && ascii <= 57) || ascii == 95
    }

    struct ScanProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
