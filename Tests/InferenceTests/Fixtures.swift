import Logging
import OpenAITypes
import _TestBackends

/// The backends the store suites run on: SQLite always, PostgreSQL when configured or under CI
/// (where a missing server fails the suite instead of skipping it).
let backendKinds: [TestTableBackend.Kind] = TestTableBackend.postgresMustRun ? [.sqlite, .postgres] : [.sqlite]

/// A logger that discards everything: the tests assert on values and errors.
let quietLogger = Logger(label: "stackkit.tests.inference", factory: { _ in SwiftLogNoOpLogHandler() })

/// A chat completion as OpenAI returns it, with an unknown top-level field and an unknown field in
/// its choice.
func completion(id: String, created: Int64, model: String = "llama-3.1-8b") throws -> ChatCompletion {
    try ChatCompletion(
        jsonText: """
            {"id": "\(id)", "object": "chat.completion", "created": \(created), "model": "\(model)",
             "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                          "message": {"role": "assistant", "content": "Hello from \(id)."},
                          "x_choice_extra": {"a": [1, 2.0]}}],
             "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21},
             "system_fingerprint": "fp_1", "x_new_field": 9007199254740993}
            """
    )
}

/// The input messages of a request.
func inputMessages(_ text: String) throws -> [ChatMessage] {
    [
        try ChatMessage(jsonText: #"{"role": "system", "content": "Be brief."}"#),
        try ChatMessage(jsonText: #"{"role": "user", "content": [{"type": "text", "text": "\#(text)"}]}"#),
    ]
}
