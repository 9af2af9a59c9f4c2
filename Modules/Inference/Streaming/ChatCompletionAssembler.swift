public import OpenAITypes
import StorageRefs

/// Assembles the chunks of a streamed chat completion into the ``ChatCompletion`` the same request
/// would have returned without streaming.
///
/// Per choice (by `index`, in any interleaving): the role of the first delta that has one
/// (`assistant` when none does); `content` and `refusal` fragments concatenated (`content` stays
/// `null` when no fragment had text); every tool call by its `index`, its `id`, `type` and function
/// `name` taken from the first fragment that has them and its `arguments` fragments concatenated in
/// arrival order, so several calls interleaved in one stream all survive; `finish_reason` from the
/// chunk that carried it, never overwritten by later chunks without one (llama-stack's converter
/// loses a `length` finish that way); `logprobs.content` and `logprobs.refusal` arrays concatenated.
/// The completion's `id`, `created`, `model` and `system_fingerprint` come from the first chunk that
/// has them, and `usage` from the last chunk that carries it (the `include_usage` chunk, whose
/// `choices` is empty).
///
/// ```swift
/// var assembler = ChatCompletionAssembler()
/// for try await chunk in client.streamChatCompletion(request) { assembler.add(chunk) }
/// let completion = assembler.completion
/// ```
public struct ChatCompletionAssembler: Sendable {
    private struct ToolCallParts: Sendable {
        var id: String?
        var type: String?
        var name: String?
        var arguments = ""
        var extra: [String: JSONValue] = [:]
    }

    private struct ChoiceParts: Sendable {
        var role: ChatRole?
        var content: String?
        var refusal: String?
        var toolCalls: [Int: ToolCallParts] = [:]
        var finishReason: FinishReason?
        var logprobContent: [JSONValue]?
        var logprobRefusal: [JSONValue]?
        var functionCallName: String?
        var functionCallArguments: String?
        var extraText: [String: String] = [:]
        var extraValues: [String: JSONValue] = [:]
    }

    private static let knownDeltaFields: Set<String> = ["role", "content", "refusal", "tool_calls", "function_call"]

    private var id: String?
    private var created: Int64?
    private var model: String?
    private var systemFingerprint: String?
    private var serviceTier: String?
    private var usage: CompletionUsage?
    private var choices: [Int: ChoiceParts] = [:]

    /// How many chunks were added.
    public private(set) var chunkCount = 0

    /// Creates an empty assembler.
    public init() {}

    /// Adds the next chunk of the stream.
    ///
    /// - Parameter chunk: A chunk, in the order the stream delivered it.
    public mutating func add(_ chunk: ChatCompletionChunk) {
        chunkCount += 1
        if id == nil, !chunk.id.isEmpty { id = chunk.id }
        if created == nil, chunk.fields.integerValue("created") != nil { created = chunk.created }
        if model == nil, !chunk.model.isEmpty { model = chunk.model }
        if systemFingerprint == nil { systemFingerprint = chunk.systemFingerprint }
        if serviceTier == nil { serviceTier = chunk.fields["service_tier"]?.stringValue }
        if let chunkUsage = chunk.usage { usage = chunkUsage }
        for choice in chunk.choices {
            var parts = choices[choice.index] ?? ChoiceParts()
            let delta = choice.delta
            if parts.role == nil, let role = delta.role { parts.role = role }
            if let text = delta.content { parts.content = (parts.content ?? "") + text }
            if let text = delta.refusal { parts.refusal = (parts.refusal ?? "") + text }
            for fragment in delta.toolCalls {
                var call = parts.toolCalls[fragment.index] ?? ToolCallParts()
                if call.id == nil, let id = fragment.id, !id.isEmpty { call.id = id }
                if call.type == nil, let type = fragment.type, !type.isEmpty { call.type = type }
                if call.name == nil, let name = fragment.functionName, !name.isEmpty { call.name = name }
                if let arguments = fragment.functionArguments { call.arguments += arguments }
                parts.toolCalls[fragment.index] = call
            }
            if case .object(let functionCall)? = delta.fields["function_call"] {
                if parts.functionCallName == nil, let name = functionCall["name"]?.stringValue, !name.isEmpty {
                    parts.functionCallName = name
                }
                if let arguments = functionCall["arguments"]?.stringValue {
                    parts.functionCallArguments = (parts.functionCallArguments ?? "") + arguments
                }
            }
            for (key, value) in delta.fields where !Self.knownDeltaFields.contains(key) {
                switch value {
                case .string(let text): parts.extraText[key, default: ""] += text
                case .null: continue
                default: parts.extraValues[key] = value
                }
            }
            if parts.finishReason == nil, let reason = choice.finishReason { parts.finishReason = reason }
            if case .object(let logprobs)? = choice.logprobs {
                if let content = logprobs["content"]?.arrayValue {
                    parts.logprobContent = (parts.logprobContent ?? []) + content
                }
                if let refusal = logprobs["refusal"]?.arrayValue {
                    parts.logprobRefusal = (parts.logprobRefusal ?? []) + refusal
                }
            }
            choices[choice.index] = parts
        }
    }

    /// The completion assembled from the chunks added so far, with `object: "chat.completion"`.
    ///
    /// Choices are ordered by index; tool calls by their index. A choice that has not finished has no
    /// `finish_reason`.
    public var completion: ChatCompletion {
        let assembled = choices.keys.sorted().map { index in
            let parts = choices[index]!
            let toolCalls = parts.toolCalls.keys.sorted().map { callIndex in
                let call = parts.toolCalls[callIndex]!
                var toolCall = ChatToolCall(id: call.id ?? "", functionName: call.name ?? "", functionArguments: call.arguments)
                toolCall.type = call.type ?? "function"
                return toolCall
            }
            var message = ChatMessage.assistant(parts.content, toolCalls: toolCalls)
            message.role = parts.role ?? .assistant
            message.fields["content"] = parts.content.map(JSONValue.string) ?? .null
            message.refusal = parts.refusal
            if parts.functionCallName != nil || parts.functionCallArguments != nil {
                message.fields["function_call"] = [
                    "name": .string(parts.functionCallName ?? ""), "arguments": .string(parts.functionCallArguments ?? ""),
                ]
            }
            for (key, value) in parts.extraValues { message.fields[key] = value }
            for (key, text) in parts.extraText { message.fields[key] = .string(text) }
            var choice = ChatCompletionChoice(index: index, message: message, finishReason: parts.finishReason)
            choice.fields["finish_reason"] = parts.finishReason.map { .string($0.rawValue) } ?? .null
            if parts.logprobContent != nil || parts.logprobRefusal != nil {
                choice.fields["logprobs"] = [
                    "content": parts.logprobContent.map(JSONValue.array) ?? .null,
                    "refusal": parts.logprobRefusal.map(JSONValue.array) ?? .null,
                ]
            } else {
                choice.fields["logprobs"] = .null
            }
            return choice
        }
        var completion = ChatCompletion(id: id ?? "", created: created ?? 0, model: model ?? "", choices: assembled, usage: usage)
        completion.systemFingerprint = systemFingerprint
        completion.serviceTier = serviceTier
        return completion
    }
}

extension [String: JSONValue] {
    fileprivate func integerValue(_ key: String) -> Int64? {
        self[key]?.intValue
    }
}

