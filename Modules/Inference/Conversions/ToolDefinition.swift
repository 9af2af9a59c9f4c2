public import StorageRefs

/// A tool as llama-stack describes it: a name, a description and JSON schemas for input and output.
public struct ToolDefinition: Hashable, Sendable {
    /// The function name the model calls.
    public var name: String
    /// What the tool does, for the model.
    public var description: String?
    /// The JSON schema of the arguments; `nil` means no parameters.
    public var inputSchema: JSONValue?
    /// The JSON schema of the result; OpenAI tools have no place for it, so it is not sent.
    public var outputSchema: JSONValue?

    /// Creates a tool definition.
    public init(name: String, description: String? = nil, inputSchema: JSONValue? = nil, outputSchema: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
    }

    /// The OpenAI tool: `{"type": "function", "function": {"name", "description"?, "parameters"?}}`.
    ///
    /// The input schema is passed through untouched as `parameters` (no strict-mode rewriting); the
    /// output schema is dropped, as OpenAI has no field for it.
    public var openAITool: JSONValue {
        var function: [String: JSONValue] = ["name": .string(name)]
        if let description { function["description"] = .string(description) }
        if let inputSchema { function["parameters"] = inputSchema }
        return ["type": "function", "function": .object(function)]
    }
}
