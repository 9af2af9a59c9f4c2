import Logging
import OpenAITypes
import _TestBackends

/// SQLite always; PostgreSQL when configured or under CI (where a missing server fails, never skips).
let backendKinds: [TestTableBackend.Kind] = TestTableBackend.postgresMustRun ? [.sqlite, .postgres] : [.sqlite]

/// A logger that discards everything.
let quietLogger = Logger(label: "stackkit.tests.responses", factory: { _ in SwiftLogNoOpLogHandler() })

/// A Responses API response with a message and a function call, and an unknown field; about 2 KB when
/// `padding` is large enough.
func response(id: String, createdAt: Int64, model: String = "llama-3.1-8b", padding: Int = 0) throws -> ResponseObject {
    let text = "The answer for \(id). " + String(repeating: "lorem ipsum ", count: padding)
    return try ResponseObject(
        jsonText: """
            {"id": "\(id)", "object": "response", "created_at": \(createdAt), "model": "\(model)", "status": "completed",
             "output": [
               {"type": "message", "id": "msg_\(id)", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "\(text)", "annotations": []}]},
               {"type": "function_call", "id": "fc_\(id)", "call_id": "call_1", "name": "lookup", "arguments": "{\\"q\\":1}",
                "status": "completed"}
             ],
             "usage": {"input_tokens": 10, "output_tokens": 20, "total_tokens": 30},
             "previous_response_id": null, "x_future": {"k": [1, 1.0]}}
            """
    )
}

/// Input items m1…m`count`, user messages with ids.
func inputItems(_ count: Int) throws -> [ResponseInputItem] {
    try (1...max(1, count)).prefix(count).map { index in
        try ResponseInputItem(
            jsonText: #"{"type": "message", "id": "m\#(index)", "role": "user", "content": [{"type": "input_text", "text": "question \#(index)"}]}"#
        )
    }
}

/// The chat messages of a request.
func chatMessages(_ text: String) throws -> [ChatMessage] {
    [try ChatMessage(jsonText: #"{"role": "user", "content": "\#(text)"}"#)]
}
