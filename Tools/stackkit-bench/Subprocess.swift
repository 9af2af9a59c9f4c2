import Foundation

/// Runs a command-line tool (`redis-benchmark`, `redis-cli`) to completion and collects its output.
enum Subprocess {
    /// What a finished process left behind.
    struct Output: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `arguments[0]` (found on `PATH`) with the rest as its arguments, feeding it `input` on stdin, with
    /// `environment` added to this process's environment; waits for it without blocking a thread.
    ///
    /// Output goes through temporary files, so a chatty tool can never fill a pipe and stall.
    static func run(
        _ arguments: [String],
        input: String? = nil,
        environment: [String: String] = [:]
    ) async throws
        -> Output
    {
        let directory = FileManager.default.temporaryDirectory
        let name = "stackkit-bench-\(UUID().uuidString)"
        let outputURL = directory.appendingPathComponent(name + ".out")
        let errorURL = directory.appendingPathComponent(name + ".err")
        let inputURL = directory.appendingPathComponent(name + ".in")
        defer {
            for url in [outputURL, errorURL, inputURL] {
                try? FileManager.default.removeItem(at: url)
            }
        }
        let created = [
            FileManager.default.createFile(atPath: outputURL.path, contents: nil),
            FileManager.default.createFile(atPath: errorURL.path, contents: nil),
            FileManager.default.createFile(atPath: inputURL.path, contents: Data((input ?? "").utf8)),
        ]
        try BenchError.check(!created.contains(false), "cannot create temporary files in \(directory.path)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        let inputHandle = try FileHandle(forReadingFrom: inputURL)
        defer {
            try? outputHandle.close()
            try? errorHandle.close()
            try? inputHandle.close()
        }
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        process.standardInput = inputHandle

        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: BenchError("cannot run \(arguments.first ?? "a tool"): \(error)"))
            }
        }
        let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, standardOutput: output, standardError: errors)
    }
}
