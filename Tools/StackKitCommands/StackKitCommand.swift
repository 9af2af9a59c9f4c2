public import ArgumentParser
import Foundation

/// The `stackkit` command-line tool.
public struct StackKitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stackkit",
        abstract: "Check and upgrade StackKit / llama-stack run configs.",
        subcommands: [ValidateCommand.self, MigrateCommand.self]
    )

    public init() {}

    /// Runs the tool with the process's arguments and exits: 0 success, 1 invalid input, 2 bad usage or an
    /// unreadable file.
    public static func runAndExit(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            terminate(0)
        } catch let code as ExitCode {
            terminate(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .success {
                print(message)
                terminate(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            terminate(CommandOutput.usage)
        }
    }
}

/// `stackkit validate CONFIG [--json]`.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a run config and show its storage backends and stores.",
        discussion: """
            Substitutes ${env.…} placeholders from the environment, then checks every backend and store \
            reference. Exit status: 0 valid, 1 invalid (every problem on its own line, with its path), \
            2 bad usage or unreadable file. Passwords are never printed.
            """
    )

    @Argument(help: "The run config (YAML).")
    var config: String

    @Flag(help: "Print the resolved storage section as one JSON object (secrets as \"********\").")
    var json = false

    func run() async throws {
        let output = ValidateRunner(environment: ProcessInfo.processInfo.environment).run(path: config, json: json)
        emit(output)
    }
}

/// `stackkit migrate OLD [-o NEW]`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Rewrite a run config from before named storage backends into storage.backends + storage.stores.",
        discussion: """
            Inline metadata_store, inference_store and conversations_store blocks and provider-level kvstore, \
            persistence_store, responses_store and metadata_store blocks become references to named backends; \
            identical connection settings share one backend. ${env.…} placeholders are kept as written. \
            A config that already uses storage: and has no legacy blocks is printed unchanged. \
            YAML comments are not carried over.
            """
    )

    @Argument(help: "The run config to migrate.")
    var old: String

    @Option(name: .shortAndLong, help: "Write the result here instead of standard output.")
    var output: String?

    func run() async throws {
        emit(MigrateRunner().run(path: old, outputPath: output))
    }
}

private func emit(_ output: CommandOutput) {
    if !output.standardOutput.isEmpty { FileHandle.standardOutput.write(Data(output.standardOutput.utf8)) }
    if !output.standardError.isEmpty { FileHandle.standardError.write(Data(output.standardError.utf8)) }
    if output.exitCode != 0 { terminate(output.exitCode) }
}

/// Ends the process with `status` (a free function, so it is not confused with `ParsableCommand.exit`).
private func terminate(_ status: Int32) -> Never {
    Foundation.exit(status)
}
