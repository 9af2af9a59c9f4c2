import Foundation
import OpenAITypes
import StorageRefs
import Testing

/// Responses API input items: the input items list, a request's input, and validation.
@Suite
struct ResponseInputItemTests {
    struct InputItemsList: Decodable {
        var object: String
        var data: [ResponseInputItem]
        var firstID: String
        var hasMore: Bool

        enum CodingKeys: String, CodingKey {
            case object, data
            case firstID = "first_id"
            case hasMore = "has_more"
        }
    }

    @Test("the input items list of a stored response decodes through JSONDecoder")
    func inputItemsList() throws {
        let list = try JSONDecoder().decode(InputItemsList.self, from: Data(Fixtures.inputItemsList.utf8))
        #expect(list.object == "list")
        #expect(list.firstID == "msg_abc123")
        #expect(list.hasMore == false)
        try #require(list.data.count == 3)
        #expect(list.data.map(\.kind) == [.message, .functionCall, .functionCallOutput])
        #expect(list.data.map(\.id) == ["msg_abc123", "fc_abc456", "fco_abc789"])

        let message = list.data[0]
        #expect(message.role == "user")
        #expect(message.status == "completed")
        #expect(message.contentText == "What is the weather in Boston? Answer in Celsius.")
        #expect(message.fields["content"]?[1]?["image_url"] == "https://example.com/boston.png")

        #expect(list.data[1].callID == "call_unLAR8MvFNptuiZK6K6HCy5k")
        #expect(list.data[1].name == "get_current_weather")
        #expect(list.data[1].arguments == #"{"location":"Boston, MA"}"#)
        #expect(list.data[2].callID == "call_unLAR8MvFNptuiZK6K6HCy5k")
        #expect(list.data[2].output == #"{"celsius": 14}"#)

        for item in list.data {
            #expect(try ResponseInputItem(jsonText: item.jsonText).fields == item.fields)
        }
    }

    @Test("a request's input array and input string become items")
    func requestInput() throws {
        let input = try JSONDecoder().decode(JSONValue.self, from: Data(Fixtures.requestInput.utf8))
        let items = try ResponseInputItem.items(fromInput: input)
        try #require(items.count == 5)
        #expect(
            items.map(\.kind) == [.message, .message, .functionCall, .functionCallOutput, .other("item_reference")]
        )
        #expect(items.map(\.type) == [nil, nil, "function_call", "function_call_output", "item_reference"])
        #expect(items[0].role == "developer")
        #expect(items[0].contentText == "Talk like a pirate.")
        #expect(items[1].contentText == "what is in this image?")
        #expect(items[3].output == #"{"celsius": 14}"#)
        #expect(items[4].id == "msg_123")

        let single = try ResponseInputItem.items(fromInput: "Hello")
        #expect(single.map(\.json) == [["role": "user", "content": "Hello"]])
        #expect(single[0].kind == .message)
    }

    @Test("an invalid element of input throws with its path from input")
    func invalidInputElement() throws {
        let input: JSONValue = [
            ["role": "user", "content": "hi"], ["type": "function_call", "name": "f", "arguments": "{}"],
        ]
        let error = try #require(throws: OpenAIObjectError.self) { try ResponseInputItem.items(fromInput: input) }
        #expect(error.path == "input[1].call_id")
        let notItems = try #require(throws: OpenAIObjectError.self) { try ResponseInputItem.items(fromInput: 3) }
        #expect(notItems.path == "input")
        #expect(notItems.message == "expected a string or an array, found an integer")
    }

    @Test(
        "invalid input items throw with the path of the offending field",
        arguments: [
            (#"{"type":"function_call","name":"f","arguments":"{}"}"#, "call_id", "required field is missing"),
            (#"{"type":"function_call","call_id":"c","arguments":"{}"}"#, "name", "required field is missing"),
            (
                #"{"type":"function_call","call_id":"c","name":"f","arguments":{}}"#, "arguments",
                "expected a string, found an object"
            ),
            (#"{"type":"function_call_output","call_id":"c"}"#, "output", "required field is missing"),
            (
                #"{"type":"function_call_output","call_id":"c","output":14}"#, "output",
                "expected a string or an array, found an integer"
            ),
            (#"{"type":"function_call_output","output":"14"}"#, "call_id", "required field is missing"),
            (#"{"content":"hi"}"#, "type", "required field is missing (only a message with a role may omit it)"),
            (
                #"{"role":"tool","content":"hi"}"#, "role",
                #"expected one of user, system, developer, assistant, found "tool""#
            ),
            (#"{"type":"message","content":"hi"}"#, "role", "required field is missing"),
            (#"{"role":"user"}"#, "content", "required field is missing"),
            (#"{"role":"user","content":7}"#, "content", "expected a string or an array, found an integer"),
            (
                #"{"role":"user","content":[{"type":"input_text","text":1}]}"#, "content[0].text",
                "expected a string, found an integer"
            ),
            (#"{"role":"user","content":["hi"]}"#, "content[0]", "expected an object, found a string"),
            (#"{"type":"item_reference","id":5}"#, "id", "expected a string, found an integer"),
        ]
    )
    func invalidItems(text: String, path: String, message: String) throws {
        let error = try #require(throws: OpenAIObjectError.self) { try ResponseInputItem(jsonText: text) }
        #expect(error.path == path)
        #expect(error.message == message)
    }

    @Test("an output item list rejects what only input allows")
    func outputItemRules() throws {
        #expect(throws: OpenAIObjectError.self) { try ResponseOutputItem(jsonText: #"{"role":"user","content":"hi"}"#) }
        let item = try ResponseOutputItem(jsonText: #"{"type":"computer_call","id":"cu_1","action":{"type":"click"}}"#)
        #expect(item.kind == .other("computer_call"))
        #expect(item.kind.rawValue == "computer_call")
        #expect(ResponseItemKind(rawValue: "web_search_call") == .webSearchCall)
    }
}
