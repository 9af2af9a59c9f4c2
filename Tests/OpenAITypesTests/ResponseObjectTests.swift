import Foundation
import OpenAITypes
import StorageRefs
import Testing

/// Responses API responses: output items of every kind, tools, text format, usage and validation.
@Suite
struct ResponseObjectTests {
    @Test("a response decodes through JSONDecoder and init(jsonText:), with typed accessors")
    func decoding() throws {
        let decoded = try JSONDecoder().decode(ResponseObject.self, from: Data(Fixtures.response.utf8))
        let response = try ResponseObject(jsonText: Fixtures.response)
        // JSONDecoder cannot tell 1.0 from 1; init(jsonText:) can. Otherwise the two read the same fields.
        #expect(decoded.json == response.json.withIntegralDoublesAsIntegers)
        #expect(decoded.fields["temperature"] == .int(1))
        #expect(response.fields["temperature"] == .double(1))

        #expect(response.id == "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b")
        #expect(response.object == "response")
        #expect(response.createdAt == 1_741_476_542)
        #expect(response.model == "o4-mini-2025-04-16")
        #expect(response.status == .completed)
        #expect(response.previousResponseID == "resp_67ccd2a3b6c08190b0ea6ed4a04a3c7e0bb6a6b452d3795b")
        #expect(response.instructions == "You are a concise assistant.")
        #expect(response.error == nil)
        #expect(response.parallelToolCalls == true)
        #expect(response.temperature == 1)
        #expect(response.topP == 1)
        #expect(response.textFormatType == "json_schema")
        #expect(response.text?["format"]?["name"] == "weather")

        #expect(response.tools.map(\.type) == ["function", "web_search_preview", "file_search"])
        #expect(response.tools.map(\.name) == ["get_current_weather", nil, nil])
        #expect(response.tools[2].fields["vector_store_ids"] == ["vs_1234567890"])

        let usage = try #require(response.usage)
        #expect(usage.inputTokens == 36)
        #expect(usage.outputTokens == 87)
        #expect(usage.totalTokens == 123)
        #expect(usage.cachedTokens == 0)
        #expect(usage.reasoningTokens == 64)
        #expect(usage.inputTokensDetails == ["cached_tokens": 0])
    }

    @Test("output items of every kind expose their fields")
    func outputItems() throws {
        let output = try ResponseObject(jsonText: Fixtures.response).output
        try #require(output.count == 5)
        #expect(output.map(\.kind) == [.reasoning, .webSearchCall, .fileSearchCall, .functionCall, .message])
        #expect(output.map(\.type) == ["reasoning", "web_search_call", "file_search_call", "function_call", "message"])

        let reasoning = output[0]
        #expect(reasoning.id == "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7")
        #expect(reasoning.status == nil)
        #expect(reasoning.contentText == nil)
        #expect(reasoning.fields["summary"]?[0]?["text"] == "**Looking up the weather**")

        #expect(output[1].status == "completed")
        #expect(output[1].fields["action"]?["query"] == "weather Boston today")
        #expect(output[2].fields["queries"] == ["What is deep research?"])
        #expect(output[2].fields["results"] == .null)

        let call = output[3]
        #expect(call.callID == "call_unLAR8MvFNptuiZK6K6HCy5k")
        #expect(call.name == "get_current_weather")
        #expect(call.arguments == #"{"location":"Boston, MA","unit":"celsius"}"#)
        #expect(call.role == nil)
        #expect(call.output == nil)

        let message = output[4]
        #expect(message.role == "assistant")
        #expect(message.id == "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b")
        #expect(message.contentText == #"{"city":"Boston","celsius":14}"#)
        #expect(try ResponseObject(jsonText: Fixtures.response).outputText == #"{"city":"Boston","celsius":14}"#)
    }

    @Test("unknown fields, 1.0 versus 1 and integers above 2^53 survive jsonText and back")
    func roundTrip() throws {
        let original = try ResponseObject(jsonText: Fixtures.response)
        let reloaded = try ResponseObject(jsonText: original.jsonText)
        #expect(reloaded.fields == original.fields)
        #expect(reloaded.jsonText == original.jsonText)
        #expect(reloaded.fields["temperature"] == .double(1))
        #expect(reloaded.fields["top_p"] == .int(1))
        #expect(reloaded.fields["x_seed"] == .int(9_007_199_254_740_993))
        #expect(reloaded.fields["reasoning"] == ["effort": "medium", "summary": nil])
        #expect(reloaded.output[4].fields["content"]?[1]?["x_part_field"] == [.double(1), .int(1)])
        #expect(original.jsonText.contains(#""temperature":1.0"#))
        #expect(original.jsonText.contains(#""top_p":1,"#))
    }

    @Test("setters write fields and remove cleared optionals")
    func setters() throws {
        var response = try ResponseObject(jsonText: Fixtures.response)
        response.status = .failed
        response.error = ResponseError(code: "server_error", message: "The model failed.")
        response.previousResponseID = nil
        response.instructions = nil
        response.temperature = 0.2
        response.topP = nil
        response.parallelToolCalls = false
        response.usage = ResponseUsage(inputTokens: 1, outputTokens: 2)
        var output = response.output
        output[3].status = "in_progress"
        output[3].arguments = "{}"
        response.output = Array(output[3...4])
        response.tools = []

        #expect(response.fields["status"] == "failed")
        #expect(response.error?.code == "server_error")
        #expect(response.fields["error"] == ["code": "server_error", "message": "The model failed."])
        #expect(response.fields.keys.contains("previous_response_id") == false)
        #expect(response.fields.keys.contains("instructions") == false)
        #expect(response.fields.keys.contains("top_p") == false)
        #expect(response.fields["temperature"] == .double(0.2))
        #expect(response.parallelToolCalls == false)
        #expect(response.usage?.totalTokens == 3)
        #expect(response.output.map(\.kind) == [.functionCall, .message])
        #expect(response.output[0].status == "in_progress")
        #expect(response.output[0].arguments == "{}")
        #expect(response.fields["tools"] == [])
        #expect(try ResponseObject(jsonText: response.jsonText) == response)
    }

    @Test("a non-finite number set through a setter is written as null")
    func nonFiniteNumber() throws {
        var response = try ResponseObject(jsonText: Fixtures.response)
        response.temperature = .nan
        #expect(response.jsonText.contains(#""temperature":null"#))
        #expect(try ResponseObject(jsonText: response.jsonText).temperature == nil)
    }

    @Test(
        "invalid responses throw with the path of the offending field",
        arguments: [
            (
                #"{"object":"response","created_at":1,"model":"m","status":"completed","output":[]}"#, "id",
                "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","output":[]}"#, "status",
                "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":null}"#,
                "output", "expected an array, found null"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[{"type":"function_call","name":"f","arguments":"{}"}]}"#,
                "output[0].call_id", "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[{"type":"reasoning"},{"type":"message","role":"assistant"}]}"#,
                "output[1].content", "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[{"type":"message","role":"assistant","content":"hi"}]}"#,
                "output[0].content", "expected an array, found a string"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[{"type":"message","role":"assistant","content":[{"type":"output_text"}]}]}"#,
                "output[0].content[0].text", "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[{"id":"x"}]}"#,
                "output[0].type", "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[],"tools":["web_search"]}"#,
                "tools[0]", "expected an object, found a string"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"failed","output":[],"error":{"code":"x"}}"#,
                "error.message", "required field is missing"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[],"temperature":"1"}"#,
                "temperature", "expected a number, found a string"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[],"parallel_tool_calls":1}"#,
                "parallel_tool_calls", "expected a boolean, found an integer"
            ),
            (
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"completed","output":[],"usage":{"input_tokens":1,"output_tokens":2.0,"total_tokens":3}}"#,
                "usage.output_tokens", "expected an integer, found a number"
            ),
        ]
    )
    func invalidResponses(text: String, path: String, message: String) throws {
        let error = try #require(throws: OpenAIObjectError.self) { try ResponseObject(jsonText: text) }
        #expect(error.path == path)
        #expect(error.message == message)
    }

    @Test("optional fields may be null")
    func nullOptionals() throws {
        let response = try ResponseObject(
            jsonText:
                #"{"id":"r","object":"response","created_at":1,"model":"m","status":"queued","output":[],"usage":null,"previous_response_id":null,"instructions":null,"tools":null,"text":null,"error":null,"parallel_tool_calls":null,"temperature":null,"top_p":null}"#
        )
        #expect(response.status == .queued)
        #expect(response.usage == nil)
        #expect(response.previousResponseID == nil)
        #expect(response.instructions == nil)
        #expect(response.tools.isEmpty)
        #expect(response.text == nil)
        #expect(response.textFormatType == nil)
        #expect(response.error == nil)
        #expect(response.temperature == nil)
        #expect(response.outputText == "")
    }
}
