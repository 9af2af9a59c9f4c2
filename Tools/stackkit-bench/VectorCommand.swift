import ArgumentParser
import CVectorKernels
import Foundation
import SQLStore
import StorageRefs
import VectorIO
import VectorIOSQLite

/// `stackkit-bench vector`: exact top-k search, index build and keyword search, against baselines measured in the
/// same run and, when Python has them, numpy and faiss-cpu on the same data.
struct VectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector",
        abstract: "Exact vector search (FlatVectorIndex) and FTS5 keyword search, against baselines and numpy / faiss-cpu.",
        discussion: """
            Data: --vectors random unit vectors of --dim Float32 (seeded), cosine, exact top --k.
            Measurements (interleaved --runs times; medians; ratio = ours / baseline):
              search single  queries/s, one query at a time through FlatVectorIndex.queryVector, with its
                             default parallelism (a task per active processor) and with one task.
                             Baseline: the same scan on one thread with the portable C kernel (no AVX).
              search batch   queries/s in batches of --batch through queryVectors. Same baseline.
              build          chunks/s added to a FlatVectorIndex persisted in an SQLite file (1,000 per call,
                             one transaction each). Baseline: the same rows inserted through the raw SQLite C API.
              load           chunks/s reopening that index from the file (no baseline).
              memory         resident bytes per vector after loading (no baseline).
              keyword        latency (median, p99 ms) of 2-word FTS5 queries on --count chunks (top 10). Baseline: the
                             same SQL through the raw SQLite C API on the same file.
            Peers: python3 Scripts/vector_peer.py runs numpy (matrix-vector product + argpartition) and faiss-cpu
            IndexFlatIP on the same files, with their default threads; install them with
            `pip install numpy faiss-cpu` (the benchmark installs nothing). Each peer line states its version,
            threads and BLAS settings; search lines report ratio_vs_faiss.
            """
    )

    @Option(name: .long, help: "Vectors in the index.")
    var vectors = 100_000

    @Option(name: .long, help: "Multiplies --vectors (for a quick run).")
    var scale = 1.0

    private var count: Int { max(1_000, Int(Double(vectors) * scale)) }

    @Option(name: .long, help: "Vector dimension.")
    var dim = 384

    @Option(name: .long, help: "Results per query.")
    var k = 10

    @Option(name: .long, help: "Queries per single-query measurement.")
    var queries = 200

    @Option(name: .long, help: "Queries per batch.")
    var batch = 32

    @Option(name: .long, help: "Interleaved runs per measurement.")
    var runs = 3

    @Option(name: .long, help: "The Python interpreter for the peers; empty to skip them.")
    var python = "python3"

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    func run() async throws {
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-vector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        var report = VectorReport(json: json)
        report.note("kernel: \(Self.levelName(stackkit_kernel_best_level())); \(count) x \(dim) Float32, cosine, top \(k)")

        let data = VectorBenchData(count: count, dimension: dim, queryCount: max(queries, batch * 4), seed: 2026)
        let singleQueries = Array(data.queries.prefix(queries))
        let batchQueries = Array(data.queries.prefix((data.queries.count / batch) * batch))

        // Search: an index over an in-memory table store (the scan never touches it).
        let memoryStore = try SQLiteTableStore(path: ":memory:")
        let index = try await FlatVectorIndex.open(store: memoryStore, table: "bench_chunks", dimension: dim)
        let parallelism = await index.parallelism
        report.note("FlatVectorIndex scans with up to \(parallelism) tasks (active processors); '1 task' lines use one")
        for start in stride(from: 0, to: count, by: 5_000) {
            try await index.add((start..<min(start + 5_000, count)).map { data.chunk($0, text: "") })
        }
        let baseline = PortableScan(vectors: data.flatVectors, dimension: dim)
        var ourTopIDs: [String] = []
        var single: [Double] = [], singleOneTask: [Double] = [], singleBaseline: [Double] = []
        var batched: [Double] = [], batchedBaseline: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            for query in singleQueries {
                let found = try await index.queryVector(query, options: SearchOptions(k: k))
                if ourTopIDs.isEmpty { ourTopIDs = found.map(\.chunk.id) }
            }
            single.append(Double(singleQueries.count) / (ContinuousClock.now - start).seconds)
            await index.setParallelism(1)
            let oneTaskStart = ContinuousClock.now
            for query in singleQueries { _ = try await index.queryVector(query, options: SearchOptions(k: k)) }
            singleOneTask.append(Double(singleQueries.count) / (ContinuousClock.now - oneTaskStart).seconds)
            await index.setParallelism(parallelism)
            let baselineStart = ContinuousClock.now
            for query in singleQueries { _ = baseline.search(query, k: k) }
            singleBaseline.append(Double(singleQueries.count) / (ContinuousClock.now - baselineStart).seconds)

            let batchStart = ContinuousClock.now
            for offset in stride(from: 0, to: batchQueries.count, by: batch) {
                _ = try await index.queryVectors(Array(batchQueries[offset..<offset + batch]), options: SearchOptions(k: k))
            }
            batched.append(Double(batchQueries.count) / (ContinuousClock.now - batchStart).seconds)
            let batchBaselineStart = ContinuousClock.now
            for query in batchQueries { _ = baseline.search(query, k: k) }
            batchedBaseline.append(Double(batchQueries.count) / (ContinuousClock.now - batchBaselineStart).seconds)
        }
        let expectedTop = baseline.search(singleQueries[0], k: k).map { "c\($0)" }
        try BenchError.check(ourTopIDs == expectedTop, "the index's top \(k) differ from the baseline scan's")
        await memoryStore.close()

        // Peers on the same data.
        let peers = try await VectorPeers.run(
            python: python, data: data, workspace: workspace, k: k, singleQueries: singleQueries.count, batch: batch, repeat: runs
        )
        for line in peers.notes { report.note(line) }
        if let ids = peers.checkIDs["faiss"] ?? peers.checkIDs["numpy"] {
            report.note("peer top-\(k) of query 0 \(ids.map { "c\($0)" } == ourTopIDs ? "equals" : "DIFFERS FROM") ours")
        }
        report.search("search single (1 task)", ours: KVMeasurement.median(singleOneTask), baseline: KVMeasurement.median(singleBaseline), peers: peers.rates(mode: "single"))
        report.search("search single", ours: KVMeasurement.median(single), baseline: KVMeasurement.median(singleBaseline), peers: peers.rates(mode: "single"))
        report.search("search batch \(batch)", ours: KVMeasurement.median(batched), baseline: KVMeasurement.median(batchedBaseline), peers: peers.rates(mode: "batch"))

        // Build, load, memory and keyword search on an SQLite file.
        let path = workspace.appendingPathComponent("index.db").path
        let rawPath = workspace.appendingPathComponent("raw.db").path
        var build: [Double] = [], buildBaseline: [Double] = []
        for run in 0..<runs {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: rawPath)
            for suffix in ["-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
                try? FileManager.default.removeItem(atPath: rawPath + suffix)
            }
            let store = try SQLiteTableStore(path: path)
            let start = ContinuousClock.now
            let fileIndex = try await FlatVectorIndex.open(
                store: store, table: "bench_chunks", dimension: dim, keywordSearch: SQLiteKeywordSearch(store: store)
            )
            for offset in stride(from: 0, to: count, by: 1_000) {
                try await fileIndex.add((offset..<min(offset + 1_000, count)).map { data.chunk($0, text: data.text($0)) })
            }
            build.append(Double(count) / (ContinuousClock.now - start).seconds)
            await store.close()
            buildBaseline.append(try await RawChunkInserter.insert(data: data, path: rawPath))
            _ = run
        }
        report.measure("build (SQLite file, FTS5)", unit: "chunks/s", ours: KVMeasurement.median(build), baseline: KVMeasurement.median(buildBaseline))

        let residentBefore = Self.residentBytes()
        let store = try SQLiteTableStore(path: path)
        let loadStart = ContinuousClock.now
        let loaded = try await FlatVectorIndex.open(
            store: store, table: "bench_chunks", dimension: dim, keywordSearch: SQLiteKeywordSearch(store: store)
        )
        let loadRate = Double(count) / (ContinuousClock.now - loadStart).seconds
        let residentAfter = Self.residentBytes()
        report.measure("load", unit: "chunks/s", ours: loadRate, baseline: nil)
        if let residentBefore, let residentAfter {
            report.measure("memory per vector", unit: "bytes", ours: Double(residentAfter - residentBefore) / Double(count), baseline: Double(dim * 4))
        }

        var latencies: [Double] = [], baselineLatencies: [Double] = []
        let raw = try RawFTSQuery(path: path)
        for query in 0..<queries {
            let text = data.keywordQuery(query)
            let start = ContinuousClock.now
            let found = try await loaded.queryKeyword(text, options: SearchOptions(k: 10))
            latencies.append((ContinuousClock.now - start).seconds * 1_000)
            let baselineStart = ContinuousClock.now
            let rawFound = try raw.search(text, k: 10)
            baselineLatencies.append((ContinuousClock.now - baselineStart).seconds * 1_000)
            try BenchError.check(found.map(\.chunk.id) == rawFound, "keyword results differ from the raw query's for '\(text)'")
        }
        raw.close()
        report.latency("keyword top 10", ours: latencies, baseline: baselineLatencies)
        await store.close()
        report.finish()
    }

    static func levelName(_ level: stackkit_kernel_level) -> String {
        switch level {
        case STACKKIT_KERNEL_AVX512: "avx512f"
        case STACKKIT_KERNEL_AVX2_FMA: "avx2+fma"
        default: "portable"
        }
    }

    /// This process's resident set size from /proc/self/statm (Linux), or `nil`.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
