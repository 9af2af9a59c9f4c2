import Foundation
import StorageRefs

/// The work of `stackkit validate`: load a run config and describe its storage, or list every problem.
public struct ValidateRunner: Sendable {
    /// The variables `${env.…}` placeholders read.
    public var environment: [String: String]

    /// Creates a runner reading `environment`.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// Validates the config at `path`.
    ///
    /// - Parameter json: Print the resolved storage section as one JSON object instead of the table.
    /// - Returns: Exit 0 with the description when valid; 1 with one line per problem (each starting with its
    ///   path) on standard error when invalid; 2 when the file cannot be read.
    public func run(path: String, json: Bool) -> CommandOutput {
        let config: RunConfig
        do {
            config = try RunConfig.load(contentsOfFile: path, environment: environment)
        } catch {
            if error.code == .unreadableFile {
                let lines = error.issues.map { "\(path): \($0.problem)" }
                return CommandOutput(exitCode: CommandOutput.usage, standardError: lines.joined(separator: "\n") + "\n")
            }
            let count = error.issues.count == 1 ? "1 problem" : "\(error.issues.count) problems"
            let lines = ["\(path): invalid, \(count):"] + error.issues.map { "  \($0)" }
            return CommandOutput(exitCode: CommandOutput.invalid, standardError: lines.joined(separator: "\n") + "\n")
        }
        if json {
            return CommandOutput(
                exitCode: CommandOutput.success,
                standardOutput: Self.encode(config.storage.redactedJSON) + "\n"
            )
        }
        return CommandOutput(exitCode: CommandOutput.success, standardOutput: describe(config, path: path))
    }

    private func describe(_ config: RunConfig, path: String) -> String {
        let storage = config.storage
        var lines = ["\(path): valid", "", "backends:"]
        lines += Self.table(
            storage.backendNames.map { name in
                let backend = storage.backends[name]!
                return [name, backend.type.rawValue, backend.location]
            }
        )
        var references = storage.storeReferences.map { ($0.path.lastKey ?? "\($0.path)", $0.reference) }
        references += config.providerReferences.map { ("\($0.path)", $0.reference) }
        lines.append("")
        lines.append("stores:")
        if references.isEmpty {
            lines.append("  (none)")
        } else {
            lines += Self.table(references.map { [$0.0, "→ \($0.1.backend)", $0.1.target] })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows of left-aligned columns, indented by two spaces.
    private static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            return "  " + cells.joined(separator: "  ")
        }
    }

    static func encode(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }
}
