import Foundation

/// numpy and faiss-cpu on the benchmark's data, through `Scripts/vector_peer.py`.
struct VectorPeers {
    /// Queries per second by peer (`numpy`, `faiss`) and mode (`single`, `batch`).
    var queriesPerSecond: [String: [String: Double]] = [:]
    /// The top-k row indexes of query 0, by peer.
    var checkIDs: [String: [Int]] = [:]
    /// One line per peer: version, threads, BLAS settings, or why it is missing.
    var notes: [String] = []

    func rates(mode: String) -> [(String, Double)] {
        ["numpy", "faiss"].compactMap { peer in queriesPerSecond[peer]?[mode].map { (peer, $0) } }
    }

    /// Writes the vectors and queries as raw little-endian Float32 files and runs the peer script; a missing
    /// interpreter or library becomes a note, never an error.
    static func run(
        python: String,
        data: VectorBenchData,
        workspace: URL,
        k: Int,
        singleQueries: Int,
        batch: Int,
        repeat runs: Int
    ) async throws -> VectorPeers {
        var peers = VectorPeers()
        guard !python.isEmpty else {
            peers.notes.append("peers skipped (--python '')")
            return peers
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Scripts/vector_peer.py").standardized.path
        guard FileManager.default.fileExists(atPath: script) else {
            peers.notes.append("peers skipped: \(script) not found")
            return peers
        }
        let vectorsURL = workspace.appendingPathComponent("vectors.f32")
        let queriesURL = workspace.appendingPathComponent("queries.f32")
        try data.flatVectors.withUnsafeBytes { try Data($0).write(to: vectorsURL) }
        let queryFlat = data.queries.flatMap { $0 }
        try queryFlat.withUnsafeBytes { try Data($0).write(to: queriesURL) }
        let output = try await Subprocess.run([
            python, script,
            "--vectors", vectorsURL.path, "--count", String(data.count), "--dim", String(data.dimension),
            "--queries", queriesURL.path, "--query-count", String(data.queries.count),
            "--single", String(singleQueries), "--k", String(k), "--batch", String(batch), "--repeat", String(runs),
        ])
        guard output.status == 0 else {
            peers.notes.append("peers failed (exit \(output.status)): \(output.standardError.suffix(300))")
            return peers
        }
        for line in output.standardOutput.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let peer = object["peer"] as? String
            else { continue }
            if object["missing"] as? Bool == true {
                peers.notes.append("\(peer): not installed (pip install numpy faiss-cpu)")
            } else if let ids = object["check_ids"] as? [Int] {
                peers.checkIDs[peer] = ids
            } else if let mode = object["mode"] as? String, let rate = object["queries_per_s"] as? Double {
                peers.queriesPerSecond[peer, default: [:]][mode] = rate
                if mode == "single" { peers.notes.append("\(peer): " + line) }
            }
        }
        return peers
    }
}
