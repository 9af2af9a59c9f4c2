import Foundation
import OpenAITypes
import StorageRefs
import Testing

/// Chat completions: decoding, typed accessors, setters and validation paths.
@Suite
struct ChatCompletionTests {
    @Test("a completion with a tool call decodes through JSONDecoder and init(jsonText:)")
    func toolCallCompletion() throws {
        let decoded = try JSONDecoder().decode(
            ChatCompletion.self,
            from: Data(Fixtures.chatCompletionWithToolCall.utf8)
        )
        let parsed = try ChatCompletion(jsonText: Fixtures.chatCompletionWithToolCall)
        // JSONDecoder cannot tell 1.0 from 1; init(jsonText:) can. Otherwise the two read the same fields.
        #expect(decoded.json == parsed.json.withIntegralDoublesAsIntegers)
        #expect(decoded.fields["x_vendor"]?["one_point_zero"] == .int(1))
        #expect(parsed.fields["x_vendor"]?["one_point_zero"] == .double(1))
        #expect(decoded.fields["x_vendor"]?["big"] == .int(9_007_199_254_740_993))

        #expect(parsed.id == "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG")
        #expect(parsed.object == "chat.completion")
        #expect(parsed.created == 1_741_570_283)
        #expect(parsed.model == "gpt-4o-2024-08-06")
        #expect(parsed.systemFingerprint == "fp_fc9f1d7035")
        #expect(parsed.serviceTier == "default")

        let choice = try #require(parsed.choices.first)
        #expect(parsed.choices.count == 1)
        #expect(choice.index == 0)
        #expect(choice.finishReason == .toolCalls)
        #expect(choice.logprobs == nil)
        #expect(choice.fields["x_new_field"] == ["a": [1, 2.5]])

        let message = choice.message
        #expect(message.role == .assistant)
        #expect(message.content == nil)
        #expect(message.refusal == nil)
        #expect(message.fields["annotations"] == [])
        let call = try #require(message.toolCalls?.first)
        #expect(call.id == "call_12345xyz")
        #expect(call.type == "function")
        #expect(call.functionName == "get_weather")
        #expect(call.functionArguments == #"{"location":"Paris, France","unit":"celsius"}"#)

        let usage = try #require(parsed.usage)
        #expect(usage.promptTokens == 82)
        #expect(usage.completionTokens == 17)
        #expect(usage.totalTokens == 99)
        #expect(usage.cachedTokens == 64)
        #expect(usage.reasoningTokens == 0)
        #expect(usage.completionTokensDetails?["accepted_prediction_tokens"] == 0)
    }

    @Test("a text completion with logprobs keeps them as JSON, numbers exact")
    func logprobsCompletion() throws {
        let completion = try ChatCompletion(jsonText: Fixtures.chatCompletionWithLogprobs)
        let choice = try #require(completion.choices.first)
        #expect(choice.finishReason == .stop)
        #expect(choice.message.content == .text("Hello! How can I assist you today?"))
        #expect(choice.message.content?.joinedText == "Hello! How can I assist you today?")
        #expect(choice.message.toolCalls == nil)
        let logprobs = try #require(choice.logprobs)
        #expect(logprobs["content"]?[0]?["token"] == "Hello")
        #expect(logprobs["content"]?[0]?["logprob"] == .double(-0.31725305))
        #expect(logprobs["content"]?[0]?["bytes"] == [72, 101, 108, 108, 111])
        #expect(logprobs["content"]?[0]?["top_logprobs"]?[1]?["token"] == "Hi")
        #expect(logprobs["content"]?[1]?["top_logprobs"] == [])
        #expect(completion.systemFingerprint == nil)
        #expect(completion.fields["system_fingerprint"] == .null)
        #expect(completion.serviceTier == nil)
        #expect(completion.usage?.cachedTokens == nil)
    }

    @Test("unknown fields, 1 versus 1.0 and integers above 2^53 survive jsonText and back")
    func unknownFieldsRoundTrip() throws {
        let original = try ChatCompletion(jsonText: Fixtures.chatCompletionWithToolCall)
        let text = original.jsonText
        let reloaded = try ChatCompletion(jsonText: text)
        #expect(reloaded.fields == original.fields)
        #expect(reloaded == original)
        #expect(reloaded.jsonText == text)

        let vendor = try #require(reloaded.fields["x_vendor"])
        #expect(vendor["big"] == .int(9_007_199_254_740_993))
        #expect(vendor["one"] == .int(1))
        #expect(vendor["one_point_zero"] == .double(1))
        #expect(vendor["text"] == "é \"q\"\n")
        #expect(reloaded.choices[0].fields["x_new_field"] == ["a": [.int(1), .double(2.5)]])
        #expect(text.contains(#""big":9007199254740993"#))
        #expect(text.contains(#""one":1,"one_point_zero":1.0"#))
        #expect(text.contains(#""x_new_field":{"a":[1,2.5]}"#))
    }

    @Test("Codable writes the object itself, and reads it back with every field")
    func codableRoundTrip() throws {
        let original = try ChatCompletion(jsonText: Fixtures.chatCompletionWithToolCall)
        let data = try JSONEncoder().encode(original)
        let raw = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(raw["fields"] == nil)
        #expect(raw["id"] == "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG")
        #expect(raw["x_vendor"]?["big"] == .int(9_007_199_254_740_993))
        let decoded = try JSONDecoder().decode(ChatCompletion.self, from: data)
        #expect(decoded.choices[0].fields["x_new_field"]?["a"]?[0] == .int(1))
        #expect(decoded.id == original.id)
        #expect(decoded.usage == original.usage)
    }

    @Test("setters write fields, remove cleared optionals and keep the object valid")
    func setters() throws {
        var completion = try ChatCompletion(jsonText: Fixtures.chatCompletionWithToolCall)
        completion.model = "gpt-4.1"
        completion.created = 1_750_000_000
        completion.systemFingerprint = nil
        completion.serviceTier = "flex"
        #expect(completion.fields["model"] == "gpt-4.1")
        #expect(completion.fields["created"] == .int(1_750_000_000))
        #expect(completion.fields["system_fingerprint"] == nil)
        #expect(completion.fields.keys.contains("system_fingerprint") == false)
        #expect(completion.serviceTier == "flex")

        var choice = completion.choices[0]
        choice.finishReason = .stop
        choice.logprobs = ["content": []]
        var message = choice.message
        message.content = .text("It is 14 °C in Paris.")
        message.toolCalls = nil
        message.refusal = nil
        choice.message = message
        completion.choices = [choice]
        #expect(completion.choices[0].finishReason == .stop)
        #expect(completion.choices[0].fields["finish_reason"] == "stop")
        #expect(completion.choices[0].fields["x_new_field"] == ["a": [1, 2.5]])
        #expect(completion.choices[0].message.content == .text("It is 14 °C in Paris."))
        #expect(completion.choices[0].message.fields["tool_calls"] == nil)
        #expect(completion.choices[0].message.fields.keys.contains("refusal") == false)

        completion.usage = CompletionUsage(promptTokens: 10, completionTokens: 5)
        #expect(completion.usage?.totalTokens == 15)
        #expect(completion.fields["usage"] == ["prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15])
        completion.usage = nil
        #expect(completion.fields["usage"] == nil)

        let revalidated = try ChatCompletion(fields: completion.fields)
        #expect(revalidated == completion)
        #expect(try ChatCompletion(jsonText: completion.jsonText) == completion)
    }

    @Test("a choice built from typed values is valid")
    func builtChoice() throws {
        let call = ChatToolCall(id: "call_1", functionName: "lookup", functionArguments: #"{"q":"swift"}"#)
        let choice = ChatCompletionChoice(
            index: 2,
            message: .assistant(nil, toolCalls: [call]),
            finishReason: .toolCalls
        )
        #expect(try ChatCompletionChoice(fields: choice.fields) == choice)
        #expect(choice.index == 2)
        #expect(choice.message.toolCalls == [call])
        #expect(choice.message.fields.keys.contains("content") == false)
        #expect(choice.fields["finish_reason"] == "tool_calls")
    }

    @Test(
        "invalid completions throw with the path of the offending field",
        arguments: [
            (#"{"object":"chat.completion","created":1,"model":"m","choices":[]}"#, "id", "required field is missing"),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":{}}"#, "choices",
                "expected an array, found an object"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":"1","model":"m","choices":[]}"#, "created",
                "expected an integer, found a string"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1.5,"model":"m","choices":[]}"#, "created",
                "expected an integer, found a number"
            ),
            (
                #"{"id":null,"object":"chat.completion","created":1,"model":"m","choices":[]}"#, "id",
                "expected a string, found null"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[3]}"#, "choices[0]",
                "expected an object, found an integer"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"content":"hi"}}]}"#,
                "choices[0].message.role", "required field is missing"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant"}},{"index":1,"message":{"role":"tool","content":"x"}}]}"#,
                "choices[1].message.tool_call_id", "required field is missing"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"arguments":"{}"}}]}}]}"#,
                "choices[0].message.tool_calls[0].function.name", "required field is missing"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant"},"finish_reason":7}]}"#,
                "choices[0].finish_reason", "expected a string, found an integer"
            ),
            (
                #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#,
                "usage.total_tokens", "required field is missing"
            ),
        ]
    )
    func invalidCompletions(text: String, path: String, message: String) throws {
        let error = try #require(throws: OpenAIObjectError.self) { try ChatCompletion(jsonText: text) }
        #expect(error.path == path)
        #expect(error.message == message)
        #expect(error.description == "\(path): \(message)")
    }

    @Test("JSONDecoder reports a validation failure as dataCorrupted with the coding path and the field path")
    func decodingErrorCarriesPaths() throws {
        let text =
            #"{"completions":[{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{}}]}]}"#
        struct Envelope: Decodable { var completions: [ChatCompletion] }
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode(Envelope.self, from: Data(text.utf8))
        }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(error)")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["completions", "Index 0"])
        #expect(context.debugDescription == "choices[0].message.role: required field is missing")
        let underlying = try #require(context.underlyingError as? OpenAIObjectError)
        #expect(underlying.path == "choices[0].message.role")
    }

    @Test("text that is not JSON, or not an object, throws with an empty path")
    func notAnObject() throws {
        let notJSON = try #require(throws: OpenAIObjectError.self) { try ChatCompletion(jsonText: "{\"id\":") }
        #expect(notJSON.path == "")
        #expect(notJSON.description == notJSON.message)
        let array = try #require(throws: OpenAIObjectError.self) { try ChatCompletion(json: [1, 2]) }
        #expect(array.path == "")
        #expect(array.message == "expected an object, found an array")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ChatCompletion.self, from: Data("[]".utf8)) }
    }
}
