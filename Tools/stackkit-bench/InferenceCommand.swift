import ArgumentParser
import AsyncHTTPClient
import Foundation
import Inference
import InferenceHTTP
import NIOCore
import NIOHTTP1
import OpenAITypes

/// `stackkit-bench inference`: the OpenAI client's overhead per request and its SSE throughput, against the raw
/// async-http-client loop over the same in-process server in the same run.
struct InferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "OpenAI client overhead per request and SSE throughput against the raw async-http-client loop.",
        discussion: """
            An in-process HTTP server answers at once with canned bytes, so only
            the client is measured. Operations:
              request   chatCompletion(_:) (encode the request, send, read,
                        parse and check the completion, ~1 KB). Baseline: the
                        same bytes sent with HTTPClient.execute and the body
                        collected, not parsed. 1 and 8 calling tasks.
              sse       streamChatCompletion(_:) over a recorded llama.cpp
                        stream repeated to ~4 MB (parse events, decode and
                        check every chunk). Baseline: the same response body
                        read with HTTPClient.execute, bytes counted only. MB/s.
              parse     ServerSentEventParser + chunk decoding on the same
                        bytes in memory (no HTTP), for reference, vs the
                        parser alone, and vs the parser + Foundation's
                        JSONSerialization (parse_vs_foundation).
            Interleaved --runs times; medians; ratio = ours / baseline.
            """
    )

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    @Option(name: .long, help: "Interleaved runs per measurement.")
    var runs = 5

    @Option(name: .long, help: "Multiplies the operation counts.")
    var scale = 1.0

    @Option(name: .long, help: "A recorded SSE body (default: Tests/InferenceHTTPTests/Fixtures/chat-stream.sse).")
    var fixture: String?

    func run() async throws {
        let fixturePath = fixture ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/InferenceHTTPTests/Fixtures/chat-stream.sse").path
        let recorded = Array(try Data(contentsOf: URL(fileURLWithPath: fixturePath)))
        let stream = Self.repeatedStream(recorded, targetBytes: Int(4_000_000 * scale))
        let completion = Array(#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","system_fingerprint":"fp","choices":[{"index":0,"message":{"role":"assistant","content":"\#(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 16))"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":160,"total_tokens":180}}"#.utf8)
        let server = try await InferenceBenchServer(completion: completion, stream: stream)
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: server.baseURL, retry: .none))
        let raw = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        defer { _ = raw }
        do {
            try await measureAll(client: client, raw: raw, server: server, stream: stream)
        } catch {
            try? await client.shutdown()
            try? await raw.shutdown()
            try? await server.shutdown()
            throw error
        }
        try await client.shutdown()
        try await raw.shutdown()
        try await server.shutdown()
    }

    /// The recorded stream without its `[DONE]`, repeated to about `targetBytes`, then one `[DONE]`.
    static func repeatedStream(_ recorded: [UInt8], targetBytes: Int) -> [UInt8] {
        let done = Array("data: [DONE]\n\n".utf8)
        var body = recorded
        if let range = body.firstRange(of: done) { body.removeSubrange(range) }
        var stream: [UInt8] = []
        stream.reserveCapacity(targetBytes + body.count)
        while stream.count < targetBytes { stream += body }
        return stream + done
    }

    private func measureAll(client: OpenAIClient, raw: HTTPClient, server: InferenceBenchServer, stream: [UInt8]) async throws {
        var template = ChatCompletionRequest(model: "bench", messages: [.system("You are brief."), .user("Say something.")])
        template.maxTokens = 160
        template.temperature = 0
        let request = template
        let requestBytes = ByteBuffer(string: request.jsonText)
        var streamRequest = request
        streamRequest.stream = true
        let streamBytes = ByteBuffer(string: streamRequest.jsonText)
        let url = server.baseURL + "/chat/completions"
        let clock = ContinuousClock()
        let megabytes = Double(stream.count) / 1_000_000

        @Sendable func rawRequest(_ body: ByteBuffer) -> HTTPClientRequest {
            var rawRequest = HTTPClientRequest(url: url)
            rawRequest.method = .POST
            rawRequest.headers.add(name: "Content-Type", value: "application/json")
            rawRequest.body = .bytes(body)
            return rawRequest
        }

        // request: 1 and 8 tasks.
        for tasks in [1, 8] {
            let total = max(200, Int(4_000 * scale))
            var ours: [Double] = []
            var baseline: [Double] = []
            for run in 0..<runs {
                ours.append(try await Self.rate(total: total, tasks: tasks) {
                    let completion = try await client.chatCompletion(request)
                    try BenchError.check(completion.choices.count == 1, "request: unexpected completion")
                })
                baseline.append(try await Self.rate(total: total, tasks: tasks) {
                    let response = try await raw.execute(rawRequest(requestBytes), timeout: .seconds(30))
                    let body = try await response.body.collect(upTo: 1 << 20)
                    try BenchError.check(body.readableBytes > 0, "request baseline: empty body")
                })
                StandardError.print("request tasks=\(tasks) run \(run + 1)/\(runs): ours \(Int(ours[run]))/s, raw \(Int(baseline[run]))/s")
            }
            report(op: "request", tasks: tasks, n: total, unit: "requests_per_s", ours: KVMeasurement.median(ours), baseline: KVMeasurement.median(baseline))
        }

        // sse: MB/s of the recorded stream through the client vs the raw body loop.
        var ours: [Double] = []
        var baseline: [Double] = []
        var chunkCount = 0
        for run in 0..<runs {
            let start = clock.now
            var count = 0
            for try await _ in client.streamChatCompletion(streamRequest) { count += 1 }
            ours.append(throughput(megabytes, in: clock.now - start))
            chunkCount = count
            let rawStart = clock.now
            let response = try await raw.execute(rawRequest(streamBytes), timeout: .seconds(60))
            var bytes = 0
            for try await buffer in response.body { bytes += buffer.readableBytes }
            baseline.append(throughput(megabytes, in: clock.now - rawStart))
            try BenchError.check(bytes == stream.count, "sse baseline: \(bytes) of \(stream.count) bytes")
            StandardError.print("sse run \(run + 1)/\(runs): ours \(String(format: "%.1f", ours[run])) MB/s (\(count) chunks), raw \(String(format: "%.1f", baseline[run])) MB/s")
        }
        report(op: "sse", tasks: 1, n: chunkCount, unit: "mb_per_s", ours: KVMeasurement.median(ours), baseline: KVMeasurement.median(baseline))

        // parse: in memory, parser + decoding vs the parser alone.
        var decoded: [Double] = []
        var parsedOnly: [Double] = []
        var foundationDecoded: [Double] = []
        for _ in 0..<runs {
            let start = clock.now
            var parser = ServerSentEventParser()
            var chunks = 0
            var offset = 0
            while offset < stream.count {
                let end = min(offset + 16_384, stream.count)
                for event in parser.parse(stream[offset..<end]) where event.dataBytes.first == UInt8(ascii: "{") {
                    _ = try ChatCompletionChunk(jsonText: event.data)
                    chunks += 1
                }
                offset = end
            }
            decoded.append(throughput(megabytes, in: clock.now - start))
            let parseStart = clock.now
            var onlyParser = ServerSentEventParser()
            var events = 0
            offset = 0
            while offset < stream.count {
                let end = min(offset + 16_384, stream.count)
                events += onlyParser.parse(stream[offset..<end]).count
                offset = end
            }
            parsedOnly.append(throughput(megabytes, in: clock.now - parseStart))
            try BenchError.check(events == chunks + 1, "parse: \(events) events for \(chunks) chunks")

            // Foundation's JSONSerialization on the same events, as a reference for the decoding cost.
            let foundationStart = clock.now
            var foundationParser = ServerSentEventParser()
            var foundationChunks = 0
            offset = 0
            while offset < stream.count {
                let end = min(offset + 16_384, stream.count)
                for event in foundationParser.parse(stream[offset..<end]) where event.dataBytes.first == UInt8(ascii: "{") {
                    _ = try JSONSerialization.jsonObject(with: Data(event.dataBytes))
                    foundationChunks += 1
                }
                offset = end
            }
            foundationDecoded.append(throughput(megabytes, in: clock.now - foundationStart))
            try BenchError.check(foundationChunks == chunks, "parse: Foundation read \(foundationChunks) chunks")
        }
        report(op: "parse", tasks: 1, n: chunkCount, unit: "mb_per_s", ours: KVMeasurement.median(decoded), baseline: KVMeasurement.median(parsedOnly))
        report(op: "parse_vs_foundation", tasks: 1, n: chunkCount, unit: "mb_per_s", ours: KVMeasurement.median(decoded), baseline: KVMeasurement.median(foundationDecoded))
    }

    private func report(op: String, tasks: Int, n: Int, unit: String, ours: Double, baseline: Double) {
        let ratio = baseline > 0 ? ours / baseline : 0
        let extra: [(String, JSONLine.Value)] = unit == "requests_per_s"
            ? [("us_per_request", .number(ours > 0 ? 1e6 / ours : 0, digits: 1)), ("overhead_us", .number(ours > 0 && baseline > 0 ? 1e6 / ours - 1e6 / baseline : 0, digits: 1))]
            : []
        let line = JSONLine([
            ("suite", .string("inference")), ("op", .string(op)), ("tasks", .integer(tasks)), ("n", .integer(n)),
            (unit, .number(ours, digits: 1)), ("baseline", .number(baseline, digits: 1)), ("ratio", .number(ratio, digits: 3)),
        ] + extra).text
        let units = unit == "requests_per_s" ? "/s" : " MB/s"
        ResultTable.write(json ? line : "\(op) tasks=\(tasks): \(String(format: "%.1f", ours))\(units) vs baseline \(String(format: "%.1f", baseline))\(units) (\(String(format: "%.2f", ratio))x)")
    }

    /// Calls per second of `body` run `total` times over `tasks` concurrent tasks.
    static func rate(total: Int, tasks: Int, _ body: @escaping @Sendable () async throws -> Void) async throws -> Double {
        let (elapsed, _) = try await ConcurrentRunner.run(tasks: tasks, total: total) { _, count in
            for _ in 0..<count { try await body() }
        }
        return ConcurrentRunner.rate(total, in: elapsed)
    }
}

/// Megabytes per second of `megabytes` read in `elapsed`.
private func throughput(_ megabytes: Double, in elapsed: Duration) -> Double {
    ConcurrentRunner.rate(1, in: elapsed) * megabytes
}
