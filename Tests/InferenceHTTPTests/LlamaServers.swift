import Foundation

/// The real llama.cpp servers `Scripts/test.sh` starts (`start_llama` in Scripts/lib/services.sh).
struct LlamaServers: Sendable {
    static let missingMessage = "STACKKIT_TEST_LLAMA_CHAT_URL is not set: run Scripts/test.sh, which starts the llama.cpp servers"

    /// Whether the suite must run: servers are configured, or this is CI, where missing servers are a failure.
    static var mustRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["STACKKIT_TEST_LLAMA_CHAT_URL"] != nil || environment["CI"] == "true"
    }

    /// The configured servers, or nil when any variable is missing.
    static var configured: LlamaServers? {
        let environment = ProcessInfo.processInfo.environment
        guard let chat = environment["STACKKIT_TEST_LLAMA_CHAT_URL"],
            let embed = environment["STACKKIT_TEST_LLAMA_EMBED_URL"],
            let auth = environment["STACKKIT_TEST_LLAMA_AUTH_URL"],
            let key = environment["STACKKIT_TEST_LLAMA_API_KEY"],
            let chatModel = environment["STACKKIT_TEST_LLAMA_CHAT_MODEL"],
            let embedModel = environment["STACKKIT_TEST_LLAMA_EMBED_MODEL"]
        else { return nil }
        return LlamaServers(chatURL: chat, embedURL: embed, authURL: auth, apiKey: key, chatModel: chatModel, embedModel: embedModel)
    }

    var chatURL: String
    var embedURL: String
    var authURL: String
    var apiKey: String
    var chatModel: String
    var embedModel: String

    /// The reproducible tool-call request (Scripts/llama/tool_call_request.json), found from this file's path.
    static func toolCallRequestText() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("Scripts/llama/tool_call_request.json"), encoding: .utf8)
    }
}
