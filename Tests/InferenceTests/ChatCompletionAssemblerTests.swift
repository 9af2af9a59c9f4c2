import Inference
import OpenAITypes
import StorageRefs
import Testing

@Suite("Chat completion assembler")
struct ChatCompletionAssemblerTests {
    static func chunk(_ json: String) throws -> ChatCompletionChunk {
        try ChatCompletionChunk(jsonText: json)
    }

    static func head(_ choices: String, usage: String? = nil) -> String {
        #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":"fp","choices":[\#(choices)]\#(usage.map { ",\"usage\":\($0)" } ?? "")}"#
    }

    @Test("a length finish is kept when later chunks carry no finish reason (llama-stack overwrites it)")
    func finishReasonNotOverwritten() throws {
        var assembler = ChatCompletionAssembler()
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"content":"lo"},"finish_reason":"length"}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{},"finish_reason":null}"#)))
        assembler.add(try Self.chunk(Self.head("", usage: #"{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}"#)))
        let completion = assembler.completion
        #expect(completion.id == "chatcmpl-9")
        #expect(completion.object == "chat.completion")
        #expect(completion.systemFingerprint == "fp")
        #expect(completion.choices.count == 1)
        #expect(completion.choices[0].message.content == .text("Hello"))
        #expect(completion.choices[0].finishReason == .length)
        #expect(completion.usage?.totalTokens == 7)
        #expect(assembler.chunkCount == 4)
        // The assembled completion is a valid ChatCompletion (round-trips through its own validation).
        #expect(try ChatCompletion(jsonText: completion.jsonText) == completion)
    }

    @Test("every tool call survives, by index, with its argument fragments concatenated — also two in one delta")
    func toolCalls() throws {
        var assembler = ChatCompletionAssembler()
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}},{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}]}}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"UTC\"}"}},{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{},"finish_reason":"tool_calls"}"#)))
        let message = assembler.completion.choices[0].message
        #expect(message.content == nil)
        #expect(message.fields["content"] == .null)
        let calls = try #require(message.toolCalls)
        #expect(calls.map(\.id) == ["call_a", "call_b"])
        #expect(calls.map(\.functionName) == ["get_weather", "get_time"])
        #expect(calls.map(\.functionArguments) == [#"{"city":"Paris"}"#, #"{"tz":"UTC"}"#])
        #expect(assembler.completion.choices[0].finishReason == .toolCalls)
    }

    @Test("choices are assembled separately, whatever the interleaving, and ordered by index")
    func severalChoices() throws {
        var assembler = ChatCompletionAssembler()
        assembler.add(try Self.chunk(Self.head(#"{"index":1,"delta":{"role":"assistant","content":"B"}},{"index":0,"delta":{"role":"assistant","content":"A"}}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"content":"a"},"finish_reason":"stop","logprobs":{"content":[{"token":"a","logprob":-0.1}]}}"#)))
        assembler.add(try Self.chunk(Self.head(#"{"index":1,"delta":{"content":"b"},"finish_reason":"length"}"#)))
        let choices = assembler.completion.choices
        #expect(choices.map(\.fields["index"]) == [0, 1])
        #expect(choices.map(\.message.content) == [.text("Aa"), .text("Bb")])
        #expect(choices.map(\.finishReason) == [.stop, .length])
        #expect(choices[0].fields["logprobs"]?["content"] == [["token": "a", "logprob": -0.1]])
    }

    @Test("an unfinished stream assembles without a finish reason")
    func unfinished() throws {
        var assembler = ChatCompletionAssembler()
        assembler.add(try Self.chunk(Self.head(#"{"index":0,"delta":{"content":"par"}}"#)))
        #expect(assembler.completion.choices[0].finishReason == nil)
        #expect(assembler.completion.choices[0].message.role == .assistant)
    }
}

@Suite("Chat completion assembler: other delta fields")
struct ChatCompletionAssemblerExtraFieldTests {
    @Test("vendor string fields such as reasoning_content are concatenated; the deprecated function_call too")
    func vendorFields() throws {
        var assembler = ChatCompletionAssembler()
        for delta in [
            #"{"role":"assistant","reasoning_content":"Let me ","function_call":{"name":"f","arguments":"{\"a\""}}"#,
            #"{"reasoning_content":"think.","function_call":{"arguments":":1}"},"annotations":[1]}"#,
            #"{"content":"Done","annotations":[2],"reasoning_content":null}"#,
        ] {
            assembler.add(try ChatCompletionChunk(jsonText: #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":\#(delta)}]}"#))
        }
        let message = try #require(assembler.completion.choices.first?.message)
        #expect(message.fields["reasoning_content"] == "Let me think.")
        #expect(message.fields["function_call"] == ["name": "f", "arguments": #"{"a":1}"#])
        #expect(message.fields["annotations"] == [2])
        #expect(message.content == .text("Done"))
    }
}
