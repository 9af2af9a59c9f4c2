import ArgumentParser
import Logging

// The libraries log through swift-log; the tool sends their warnings and errors to stderr, so stdout carries only
// results.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

/// Runs the command. Inside an `async` function the call resolves to `AsyncParsableCommand.main()`; at the top level
/// it would resolve to the synchronous `ParsableCommand.main()`, which cannot run an asynchronous command.
func runCommand() async {
    await StackKitBench.main()
}

await runCommand()
