import OpenAITypes
import StorageRefs
import Testing

@Suite("Inference request and response objects")
struct InferenceRequestTests {
    @Test("chat requests: invalid known fields are refused naming their path; unknown fields are kept", arguments: [
        (#"{"messages":[{"role":"user","content":"x"}]}"#, "model"),
        (#"{"model":"m","messages":[]}"#, "messages"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"},{"content":"y"}]}"#, "messages[1].role"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"}"#, "stream"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a",1]}"#, "stop[1]"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"},"x"]}"#, "tools[1]"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":3}"#, "tool_choice"),
    ])
    func chatRequestValidation(json: String, path: String) {
        let error = #expect(throws: OpenAIObjectError.self) { _ = try ChatCompletionRequest(jsonText: json) }
        #expect(error?.path == path)
    }

    @Test("accessors read and write the request fields; stream options empty out")
    func chatRequestAccessors() throws {
        var request = try ChatCompletionRequest(jsonText: #"{"model":"m","messages":[{"role":"user","content":"x"}],"top_k":40,"max_tokens":9}"#)
        #expect(request.maxTokens == 9)
        request.maxTokens = 12
        #expect(request.fields["max_tokens"] == nil && request.fields["max_completion_tokens"] == 12)
        request.includeUsage = true
        #expect(request.fields["stream_options"] == ["include_usage": true])
        request.includeUsage = false
        #expect(request.fields["stream_options"] == nil)
        request.stream = true
        #expect(request.stream)
        #expect(request.fields["top_k"] == 40)
    }

    @Test("chunks: tool-call fragments need an index; deltas may be empty")
    func chunkValidation() throws {
        let error = #expect(throws: OpenAIObjectError.self) {
            _ = try ChatCompletionChunk(jsonText: #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0},{"id":"x"}]}}]}"#)
        }
        #expect(error?.path == "choices[0].delta.tool_calls[1].index")
        let chunk = try ChatCompletionChunk(jsonText: #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop"}],"usage":null}"#)
        #expect(chunk.choices[0].delta.fields.isEmpty)
        #expect(chunk.choices[0].finishReason == .stop)
        #expect(chunk.usage == nil)
    }

    @Test("embedding requests: inputs of every allowed shape, and errors naming the bad one")
    func embeddingRequests() throws {
        for input in [#""one""#, #"["a","b"]"#, "[1,2,3]", "[[1,2],[3]]"] {
            _ = try EmbeddingsRequest(jsonText: #"{"model":"m","input":\#(input)}"#)
        }
        #expect(try EmbeddingsRequest(jsonText: #"{"model":"m","input":[1,2,3]}"#).inputCount == 1)
        #expect(try EmbeddingsRequest(jsonText: #"{"model":"m","input":["a","b"]}"#).inputCount == 2)
        for (json, path) in [
            (#"{"model":"m","input":[]}"#, "input"),
            (#"{"model":"m","input":["a",{"x":1}]}"#, "input[1]"),
            (#"{"model":"m","input":"a","encoding_format":"hex"}"#, "encoding_format"),
            (#"{"model":"m","input":"a","dimensions":0}"#, "dimensions"),
        ] {
            let error = #expect(throws: OpenAIObjectError.self) { _ = try EmbeddingsRequest(jsonText: json) }
            #expect(error?.path == path)
        }
        let tooMany = "[" + Array(repeating: #""x""#, count: 2049).joined(separator: ",") + "]"
        let error = #expect(throws: OpenAIObjectError.self) { _ = try EmbeddingsRequest(jsonText: #"{"model":"m","input":\#(tooMany)}"#) }
        #expect(error?.path == "input")
    }

    @Test("embeddings decode from floats and from base64 little-endian Float32; a bad base64 length is refused")
    func embeddingVectors() throws {
        // [1.0, -2.5] as little-endian Float32: 00 00 80 3F, 00 00 20 C0.
        let packed = try Embedding(jsonText: #"{"object":"embedding","index":0,"embedding":"AACAPwAAIMA="}"#)
        #expect(packed.vector == [1.0, -2.5])
        #expect(try Embedding(jsonText: #"{"index":1,"embedding":[1,-2.5]}"#).vector == [1.0, -2.5])
        let error = #expect(throws: OpenAIObjectError.self) { _ = try Embedding(jsonText: #"{"index":0,"embedding":"AACA"}"#) }
        #expect(error?.path == "embedding")
        #expect(Embedding(index: 3, vector: [0.5]).vector == [0.5])
    }

    @Test("legacy completions and model objects")
    func completionsAndModels() throws {
        let completion = try TextCompletion(jsonText: #"{"id":"cmpl","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" Paris","finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#)
        #expect(completion.choices.first?.text == " Paris")
        #expect(completion.usage?.totalTokens == 6)
        let error = #expect(throws: OpenAIObjectError.self) { _ = try TextCompletionRequest(jsonText: #"{"model":"m","prompt":5}"#) }
        #expect(error?.path == "prompt")
        let model = try ModelObject(jsonText: #"{"id":"gpt","object":"model","created":1,"owned_by":"openai","meta":{"n_ctx":2048}}"#)
        #expect(model.ownedBy == "openai")
        #expect(model.fields["meta"] == ["n_ctx": 2048])
    }
}
