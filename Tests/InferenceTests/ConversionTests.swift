import Inference
import OpenAITypes
import StorageRefs
import Testing

@Suite("Conversions to OpenAI shapes")
struct ConversionTests {
    @Test("tool definitions become OpenAI function tools with the input schema untouched and no output schema")
    func tools() {
        let schema: JSONValue = ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"], "additionalProperties": true]
        let tool = ToolDefinition(name: "get_weather", description: "Weather now", inputSchema: schema, outputSchema: ["type": "string"])
        #expect(tool.openAITool == ["type": "function", "function": ["name": "get_weather", "description": "Weather now", "parameters": schema]])
        #expect(ToolDefinition(name: "ping").openAITool == ["type": "function", "function": ["name": "ping"]])
    }

    @Test("finish reasons map both ways; a missing or unknown reason is not a finished turn")
    func finishReasons() {
        #expect(StopReason(finishReason: .stop) == .endOfTurn)
        #expect(StopReason(finishReason: .toolCalls) == .endOfMessage)
        #expect(StopReason(finishReason: .functionCall) == .endOfMessage)
        #expect(StopReason(finishReason: .length) == .outOfTokens)
        #expect(StopReason(finishReason: nil) == nil)
        #expect(StopReason(finishReason: .contentFilter) == nil)
        for reason in [StopReason.endOfTurn, .endOfMessage, .outOfTokens] {
            #expect(StopReason(finishReason: reason.finishReason) == reason)
        }
    }

    @Test("string content stays a string, items become parts, tool-call arguments are never re-encoded")
    func messages() {
        #expect(StackMessage.user("hi").chatMessage.fields == ["role": "user", "content": "hi"])
        #expect(StackMessage.system("rules").chatMessage.fields == ["role": "system", "content": "rules"])
        let parts = StackMessage.user(.items([.text("look"), .imageURL("https://example.com/a.png")])).chatMessage
        #expect(parts.fields["content"] == [["type": "text", "text": "look"], ["type": "image_url", "image_url": ["url": "https://example.com/a.png"]]])
        // Written arguments go out byte for byte, even with spacing and key order a re-encoder would change.
        let written = #"{ "city" : "Paris", "a": 1 }"#
        let assistant = StackMessage.assistant("", toolCalls: [
            StackToolCall(callID: "c1", toolName: "get_weather", arguments: .text(written)),
            StackToolCall(callID: "c2", toolName: "get_time", arguments: .json(["tz": "UTC"])),
        ]).chatMessage
        #expect(assistant.toolCalls?.map(\.functionArguments) == [written, #"{"tz":"UTC"}"#])
        #expect(assistant.fields["content"] == nil)
        let tool = StackMessage.tool(callID: "c1", content: "18°C").chatMessage
        #expect(tool.fields == ["role": "tool", "tool_call_id": "c1", "content": "18°C"])
    }
}
