import Foundation

/// A peer benchmark written in Python (`Scripts/…`), run as a child process on the same data in the same run.
enum PythonPeer {
    /// What a peer run produced: its JSON-object stdout lines, or why it could not run.
    enum Outcome {
        case lines([[String: Any]])
        case unavailable(String)
    }

    /// Runs `Scripts/<script>` with `python`; an empty interpreter, a missing script or a failing process is reported
    /// as ``Outcome/unavailable(_:)``, never thrown, so our own figures still print.
    static func run(python: String, script: String, arguments: [String]) async -> Outcome {
        guard !python.isEmpty else { return .unavailable("peer skipped (--python '')") }
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Scripts/\(script)").standardized.path
        guard FileManager.default.fileExists(atPath: path) else { return .unavailable("peer skipped: \(path) not found") }
        let output: Subprocess.Output
        do {
            output = try await Subprocess.run([python, path] + arguments)
        } catch {
            return .unavailable("peer not run: \(error)")
        }
        guard output.status == 0 else {
            return .unavailable("peer failed (exit \(output.status)): \(output.standardError.suffix(300))")
        }
        return .lines(output.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        })
    }
}
