import Foundation
import OpenAITypes
import StorageRefs
import Testing

/// The shared behaviour of every ``OpenAIObject``: canonical text, JSON wrapping, errors and string structs.
@Suite
struct OpenAIObjectTests {
    @Test("jsonText is canonical: sorted keys, no spaces, escapes")
    func canonicalText() throws {
        let error = ResponseError(code: "rate_limit_exceeded", message: "Slow \"down\"\n")
        #expect(error.jsonText == #"{"code":"rate_limit_exceeded","message":"Slow \"down\"\n"}"#)
        let usage = try CompletionUsage(
            jsonText: #" { "total_tokens" : 3 , "prompt_tokens" : 1, "completion_tokens": 2 } "#
        )
        #expect(usage.jsonText == #"{"completion_tokens":2,"prompt_tokens":1,"total_tokens":3}"#)
    }

    @Test("init(json:) and json wrap the same fields")
    func jsonWrapping() throws {
        let value: JSONValue = ["type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": 20]
        let tool = try ResponseTool(json: value)
        #expect(tool.json == value)
        #expect(tool.type == "file_search")
        #expect(try ResponseTool(fields: tool.fields) == tool)
        var renamed = tool
        renamed.name = "search"
        #expect(renamed.fields["name"] == "search")
        renamed.name = nil
        #expect(renamed == tool)
    }

    @Test("error descriptions name the path")
    func errorDescription() {
        #expect(
            OpenAIObjectError(path: "choices[0].message.role", message: "required field is missing").description
                == "choices[0].message.role: required field is missing"
        )
        #expect(
            OpenAIObjectError(path: "", message: "the text is not valid JSON").description
                == "the text is not valid JSON"
        )
    }

    @Test("string structs compare with their static members and encode as strings")
    func stringStructs() throws {
        #expect(FinishReason(rawValue: "tool_calls") == .toolCalls)
        #expect(FinishReason.contentFilter.rawValue == "content_filter")
        #expect(FinishReason.functionCall.rawValue == "function_call")
        #expect(ChatRole(rawValue: "developer") == .developer)
        #expect(ResponseStatus.inProgress.rawValue == "in_progress")
        #expect(ResponseStatus(rawValue: "cancelled") == .cancelled)
        let data = try JSONEncoder().encode([ChatRole.tool])
        #expect(String(decoding: data, as: UTF8.self) == #"["tool"]"#)
        #expect(try JSONDecoder().decode([ResponseStatus].self, from: data) == ["tool"])
    }

    @Test("usage objects built from counts are valid")
    func builtUsage() throws {
        let usage = ResponseUsage(inputTokens: 5, outputTokens: 7, totalTokens: 20)
        #expect(try ResponseUsage(fields: usage.fields) == usage)
        #expect(usage.totalTokens == 20)
        var completionUsage = CompletionUsage(promptTokens: 1, completionTokens: 2)
        completionUsage.promptTokensDetails = ["cached_tokens": 1]
        #expect(completionUsage.cachedTokens == 1)
        completionUsage.promptTokensDetails = nil
        #expect(completionUsage.fields.keys.sorted() == ["completion_tokens", "prompt_tokens", "total_tokens"])
    }
}
