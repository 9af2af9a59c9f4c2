import ArgumentParser

/// The `stackkit-bench` command: StackKit's benchmarks, each reporting ratios against a baseline measured in the
/// same process and the same run.
struct StackKitBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stackkit-bench",
        abstract: "StackKit benchmarks: our stores against a baseline measured in the same run.",
        discussion: """
            Every measurement is interleaved with its baseline (ours, baseline, ours, baseline, …) and the median of
            each is reported with ratio = ours / baseline. Results go to stdout (a table, or JSON lines with --json);
            progress and notes go to stderr.
            """,
        subcommands: [KVCommand.self, SQLCommand.self, StoresCommand.self, SchedulerCommand.self, VectorCommand.self, MemoryCommand.self, InferenceCommand.self, TelemetryCommand.self, EmbedCommand.self]
    )
}
