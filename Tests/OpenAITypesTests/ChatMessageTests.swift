import Foundation
import OpenAITypes
import StorageRefs
import Testing

/// Chat messages of a request: roles, content parts, tool calls and tool answers.
@Suite
struct ChatMessageTests {
    @Test("request messages decode with their roles, parts, tool calls and tool answers")
    func requestMessages() throws {
        let messages = try JSONDecoder().decode([ChatMessage].self, from: Data(Fixtures.chatRequestMessages.utf8))
        try #require(messages.count == 5)
        #expect(messages.map(\.role) == [.developer, .user, .assistant, .tool, .system])

        #expect(messages[0].content == .text("You are a helpful assistant."))

        guard case .parts(let parts) = messages[1].content else {
            Issue.record("expected parts, got \(String(describing: messages[1].content))")
            return
        }
        try #require(parts.count == 3)
        #expect(parts[0].type == "text")
        #expect(parts[0].text == "What's in this image?")
        #expect(parts[0].imageURL == nil)
        #expect(parts[1].type == "image_url")
        #expect(parts[1].imageURL == "https://upload.wikimedia.org/boardwalk.jpg")
        #expect(parts[1].imageDetail == "high")
        #expect(parts[1].text == nil)
        #expect(parts[2].type == "input_audio")
        #expect(parts[2].fields["input_audio"]?["format"] == "wav")
        #expect(messages[1].content?.joinedText == "What's in this image?")

        #expect(messages[2].content == nil)
        #expect(messages[2].toolCalls?.map(\.functionName) == ["get_weather"])

        #expect(messages[3].toolCallID == "call_12345xyz")
        #expect(messages[3].content == .text(#"{"temperature": 14, "unit": "celsius"}"#))

        #expect(messages[4].name == "setup")
        #expect(messages[4].toolCallID == nil)

        for message in messages {
            #expect(try ChatMessage(jsonText: message.jsonText) == message)
        }
    }

    @Test("factories build valid messages")
    func factories() throws {
        let messages: [ChatMessage] = [
            .system("s"), .developer("d"), .user("u"),
            .user(parts: [.text("look"), .imageURL("data:image/png;base64,iVBORw0KGgo=", detail: "low")]),
            .assistant("a"),
            .assistant(nil, toolCalls: [ChatToolCall(id: "c", functionName: "f", functionArguments: "{}")]),
            .tool(toolCallID: "c", content: "42"),
        ]
        for message in messages {
            #expect(try ChatMessage(fields: message.fields) == message)
        }
        #expect(
            messages[3].json == [
                "role": "user",
                "content": [
                    ["type": "text", "text": "look"],
                    [
                        "type": "image_url",
                        "image_url": ["url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"],
                    ],
                ],
            ]
        )
        #expect(messages[4].json == ["role": "assistant", "content": "a"])
        #expect(messages[6].json == ["role": "tool", "tool_call_id": "c", "content": "42"])
        #expect(ChatContentPart.imageURL("https://x").json == ["type": "image_url", "image_url": ["url": "https://x"]])
    }

    @Test("setters on messages, parts and tool calls")
    func setters() throws {
        var message = ChatMessage.user("hi")
        message.role = .developer
        message.name = "ops"
        message.content = .parts([.text("a"), .text("b")])
        #expect(message.fields["role"] == "developer")
        #expect(message.content?.joinedText == "ab")
        message.name = nil
        #expect(message.fields.keys.contains("name") == false)
        message.content = nil
        #expect(message.fields.keys.contains("content") == false)
        #expect(throws: OpenAIObjectError.self) { try ChatMessage(fields: message.fields) }

        var part = ChatContentPart.text("x")
        part.type = "image_url"
        part.text = nil
        part.imageURL = "https://example.com/a.png"
        part.imageDetail = "auto"
        #expect(
            part.json == ["type": "image_url", "image_url": ["url": "https://example.com/a.png", "detail": "auto"]]
        )
        part.imageDetail = nil
        #expect(part.json == ["type": "image_url", "image_url": ["url": "https://example.com/a.png"]])
        part.imageURL = nil
        #expect(part.json == ["type": "image_url"])

        var call = ChatToolCall(id: "c1", functionName: "f", functionArguments: "{}")
        call.functionName = "g"
        call.functionArguments = #"{"x":1}"#
        call.id = "c2"
        #expect(call.json == ["id": "c2", "type": "function", "function": ["name": "g", "arguments": #"{"x":1}"#]])
    }

    @Test("a tool call of another type needs no function object")
    func customToolCall() throws {
        let call = try ChatToolCall(json: ["id": "c", "type": "custom", "custom": ["name": "grep", "input": "foo"]])
        #expect(call.functionName == nil)
        #expect(call.functionArguments == nil)
        #expect(call.fields["custom"]?["input"] == "foo")
    }

    @Test(
        "invalid messages throw with the path of the offending field",
        arguments: [
            (#"{"content":"hi"}"#, "role", "required field is missing"),
            (#"{"role":3,"content":"hi"}"#, "role", "expected a string, found an integer"),
            (#"{"role":"tool","content":"42"}"#, "tool_call_id", "required field is missing"),
            (#"{"role":"tool","tool_call_id":null,"content":"42"}"#, "tool_call_id", "expected a string, found null"),
            (#"{"role":"user"}"#, "content", "a user message needs content, but it is missing"),
            (#"{"role":"system","content":null}"#, "content", "a system message needs content, but it is null"),
            (
                #"{"role":"developer","content":{"text":"x"}}"#, "content",
                "expected a string or an array, found an object"
            ),
            (#"{"role":"user","content":[{"text":"x"}]}"#, "content[0].type", "required field is missing"),
            (#"{"role":"user","content":[{"type":"text"}]}"#, "content[0].text", "required field is missing"),
            (
                #"{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"detail":"low"}}]}"#,
                "content[1].image_url.url", "required field is missing"
            ),
            (#"{"role":"assistant","tool_calls":{}}"#, "tool_calls", "expected an array, found an object"),
            (
                #"{"role":"assistant","tool_calls":[{"type":"function"}]}"#, "tool_calls[0].id",
                "required field is missing"
            ),
            (#"{"role":"assistant","name":false}"#, "name", "expected a string, found a boolean"),
        ]
    )
    func invalidMessages(text: String, path: String, message: String) throws {
        let error = try #require(throws: OpenAIObjectError.self) { try ChatMessage(jsonText: text) }
        #expect(error.path == path)
        #expect(error.message == message)
    }

    @Test("an assistant message may have null or no content")
    func assistantWithoutContent() throws {
        #expect(try ChatMessage(jsonText: #"{"role":"assistant","content":null}"#).content == nil)
        #expect(try ChatMessage(jsonText: #"{"role":"assistant"}"#).content == nil)
        #expect(try ChatMessage(jsonText: #"{"role":"function","name":"f","content":"x"}"#).role == "function")
    }
}
