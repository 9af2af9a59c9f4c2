import Foundation
import StorageRefs

/// The work of `stackkit migrate`: rewrite a pre-named-backends run config (see ``LegacyConfigMigration``).
public struct MigrateRunner: Sendable {
    /// Creates a runner.
    public init() {}

    /// Migrates the config at `path`, writing the result to `outputPath` (atomically) or standard output.
    ///
    /// - Returns: Exit 0 with a one-line summary (`3 stores → 2 backends`) on standard error; 1 when a legacy
    ///   block cannot be migrated (one line per problem); 2 when the input cannot be read or the output written.
    public func run(path: String, outputPath: String?) -> CommandOutput {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                return CommandOutput(exitCode: CommandOutput.usage, standardError: "\(path): is not UTF-8 text\n")
            }
            text = decoded
        } catch {
            return CommandOutput(
                exitCode: CommandOutput.usage,
                standardError: "\(path): cannot be read: \((error as NSError).localizedDescription)\n"
            )
        }
        let result: LegacyConfigMigration.Result
        do {
            result = try LegacyConfigMigration().migrate(yaml: text)
        } catch {
            let lines = ["\(path): cannot be migrated:"] + error.issues.map { "  \($0)" }
            return CommandOutput(exitCode: CommandOutput.invalid, standardError: lines.joined(separator: "\n") + "\n")
        }
        guard let outputPath else {
            return CommandOutput(
                exitCode: CommandOutput.success,
                standardOutput: result.yaml,
                standardError: result.summary + "\n"
            )
        }
        do {
            try Data(result.yaml.utf8).write(to: URL(fileURLWithPath: outputPath), options: .atomic)
        } catch {
            return CommandOutput(
                exitCode: CommandOutput.usage,
                standardError: "\(outputPath): cannot be written: \((error as NSError).localizedDescription)\n"
            )
        }
        return CommandOutput(exitCode: CommandOutput.success, standardError: "\(result.summary); wrote \(outputPath)\n")
    }
}
