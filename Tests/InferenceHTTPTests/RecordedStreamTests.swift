import Foundation
import Inference
import OpenAITypes
import StorageRefs
import Testing

/// The parser and assembler on SSE bodies recorded from llama.cpp (Fixtures/record_sse_fixtures.sh).
@Suite("Recorded llama.cpp streams")
struct RecordedStreamTests {
    static func chunks(_ name: String, pieceSize: Int) throws -> (chunks: [ChatCompletionChunk], done: Bool) {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "sse"))
        let bytes = Array(try Data(contentsOf: url))
        var parser = ServerSentEventParser()
        var chunks: [ChatCompletionChunk] = []
        var done = false
        for start in stride(from: 0, to: bytes.count, by: pieceSize) {
            for event in parser.parse(bytes[start..<min(start + pieceSize, bytes.count)]) {
                if event.data == "[DONE]" { done = true; continue }
                chunks.append(try ChatCompletionChunk(jsonText: event.data))
            }
        }
        return (chunks, done)
    }

    @Test("the tool-call stream assembles into one get_weather call for Tokyo", arguments: [1, 13, 4096])
    func toolCallStream(pieceSize: Int) throws {
        let (chunks, done) = try Self.chunks("tool-call-stream", pieceSize: pieceSize)
        #expect(done)
        var assembler = ChatCompletionAssembler()
        chunks.forEach { assembler.add($0) }
        let choice = try #require(assembler.completion.choices.first)
        #expect(choice.finishReason == .toolCalls)
        #expect(choice.message.toolCalls?.count == 1)
        #expect(choice.message.toolCalls?.first?.functionName == "get_weather")
        #expect(try JSONColumnText.decode(try #require(choice.message.toolCalls?.first?.functionArguments), column: "a") == ["city": "Tokyo"])
        #expect(assembler.completion.usage?.completionTokens == 29)
    }

    @Test("the chat stream's text is the concatenation of its deltas, its finish reason kept through the usage chunk")
    func chatStream() throws {
        let (chunks, done) = try Self.chunks("chat-stream", pieceSize: 97)
        #expect(done)
        var assembler = ChatCompletionAssembler()
        chunks.forEach { assembler.add($0) }
        let text = chunks.flatMap(\.choices).compactMap(\.delta.content).joined()
        #expect(!text.isEmpty)
        #expect(assembler.completion.choices.first?.message.content == .text(text))
        #expect(assembler.completion.choices.first?.finishReason == .length)
        #expect(chunks.last?.choices.isEmpty == true)
        #expect(assembler.completion.usage?.completionTokens == 64)
    }
}
