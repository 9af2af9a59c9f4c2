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
        let vectorsURL = workspace.appendingPathComponent("vectors.f32")
        let queriesURL = workspace.appendingPathComponent("queries.f32")
        try data.flatVectors.withUnsafeBytes { try Data($0).write(to: vectorsURL) }
        let queryFlat = data.queries.flatMap { $0 }
        try queryFlat.withUnsafeBytes { try Data($0).write(to: queriesURL) }
        let outcome = await PythonPeer.run(python: python, script: "vector_peer.py", arguments: [
            "--vectors", vectorsURL.path, "--count", String(data.count), "--dim", String(data.dimension),
            "--queries", queriesURL.path, "--query-count", String(data.queries.count),
            "--single", String(singleQueries), "--k", String(k), "--batch", String(batch), "--repeat", String(runs),
        ])
        guard case .lines(let objects) = outcome else {
            if case .unavailable(let note) = outcome { peers.notes.append(note) }
            return peers
        }
        for object in objects {
            guard let peer = object["peer"] as? String else { continue }
            if object["missing"] as? Bool == true {
                peers.notes.append("\(peer): not installed (pip install numpy faiss-cpu)")
            } else if let ids = object["check_ids"] as? [Int] {
                peers.checkIDs[peer] = ids
            } else if let mode = object["mode"] as? String, let rate = object["queries_per_s"] as? Double {
                peers.queriesPerSecond[peer, default: [:]][mode] = rate
                if mode == "single", let line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                    // The whole line: version, threads and BLAS settings name the peer's exact setup.
                    peers.notes.append("\(peer): " + String(decoding: line, as: UTF8.self))
                }
            }
        }
        return peers
    }
}
