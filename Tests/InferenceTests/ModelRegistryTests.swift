import Inference
import StorageRefs
import Synchronization
import Testing

@Suite("Model registry")
struct ModelRegistryTests {
    static let entries = [
        ProviderModelEntry(providerModelID: "meta-llama/Llama-3.1-8B-Instruct", aliases: ["llama3.1-8b", "llama-8b"]),
        ProviderModelEntry(
            providerModelID: "all-minilm",
            kind: .embedding,
            metadata: ["embedding_dimension": 384, "context_length": 512]
        ),
    ]

    @Test("aliases and ids resolve to the provider id; listing has one model per id and alias")
    func aliases() async {
        let registry = ModelRegistry(providerID: "vllm", entries: Self.entries)
        #expect(await registry.providerModelID(for: "llama-8b") == "meta-llama/Llama-3.1-8B-Instruct")
        #expect(await registry.providerModelID(for: "all-minilm") == "all-minilm")
        #expect(await registry.providerModelID(for: "unknown") == nil)
        let models = await registry.models()
        #expect(models.map(\.identifier) == ["all-minilm", "llama-8b", "llama3.1-8b", "meta-llama/Llama-3.1-8B-Instruct"])
        #expect(models.first?.kind == .embedding)
        #expect(models.first?.metadata["embedding_dimension"] == 384)
    }

    @Test("an unknown provider id is refused with the supported ids listed")
    func unsupported() async {
        let registry = ModelRegistry(providerID: "vllm", entries: Self.entries)
        let error = await #expect(throws: ModelRegistryError.self) {
            try await registry.register(RegisteredModel(identifier: "x", providerResourceID: "gpt-9", providerID: "vllm"))
        }
        #expect(error?.code == .unsupportedModel)
        #expect(error?.message.hasPrefix("Model gpt-9 is not available from provider vllm") == true)
        #expect(error?.message.contains("llama3.1-8b") == true)
    }

    @Test("re-registering identically is a no-op; to a different target is an error; unregister really removes")
    func registrationRules() async throws {
        let registry = ModelRegistry(providerID: "vllm", entries: Self.entries)
        let first = try await registry.register(RegisteredModel(identifier: "my-llama", providerResourceID: "llama3.1-8b", providerID: "ignored"))
        #expect(first.providerResourceID == "meta-llama/Llama-3.1-8B-Instruct")
        #expect(first.providerID == "vllm")
        let again = try await registry.register(RegisteredModel(identifier: "my-llama", providerResourceID: "llama-8b", providerID: "vllm"))
        #expect(again == first)
        let conflict = await #expect(throws: ModelRegistryError.self) {
            try await registry.register(RegisteredModel(identifier: "my-llama", providerResourceID: "all-minilm", providerID: "vllm"))
        }
        #expect(conflict?.code == .conflictingRegistration)
        let aliasConflict = await #expect(throws: ModelRegistryError.self) {
            try await registry.register(RegisteredModel(identifier: "llama-8b", providerResourceID: "all-minilm", providerID: "vllm"))
        }
        #expect(aliasConflict?.code == .conflictingRegistration)

        try await registry.unregister("my-llama")
        #expect(await registry.providerModelID(for: "my-llama") == nil)
        #expect(await registry.registration("my-llama") == nil)
        let moved = try await registry.register(RegisteredModel(identifier: "my-llama", providerResourceID: "all-minilm", providerID: "vllm"))
        #expect(moved.kind == .embedding)
        #expect(moved.metadata["context_length"] == 512)
        let missing = await #expect(throws: ModelRegistryError.self) { try await registry.unregister("never") }
        #expect(missing?.code == .notRegistered)
    }

    @Test("the dynamic availability hook admits models beyond the entries, asked once per registration")
    func dynamicAvailability() async throws {
        let asked = Mutex<[String]>([])
        let registry = ModelRegistry(providerID: "ollama", entries: []) { id in
            asked.withLock { $0.append(id) }
            return id.hasPrefix("served/")
        }
        let model = try await registry.register(RegisteredModel(identifier: "local", providerResourceID: "served/qwen", providerID: "ollama"))
        #expect(model.providerResourceID == "served/qwen")
        await #expect(throws: ModelRegistryError.self) {
            try await registry.register(RegisteredModel(identifier: "other", providerResourceID: "absent/x", providerID: "ollama"))
        }
        #expect(asked.withLock { $0 } == ["served/qwen", "absent/x"])
    }

    @Test("allowed models filter the listing and registrations")
    func allowedModels() async {
        let registry = ModelRegistry(providerID: "vllm", entries: Self.entries, allowedModels: ["all-minilm"])
        #expect(await registry.models().map(\.identifier) == ["all-minilm"])
        let error = await #expect(throws: ModelRegistryError.self) {
            try await registry.register(RegisteredModel(identifier: "x", providerResourceID: "llama-8b", providerID: "vllm"))
        }
        #expect(error?.code == .modelNotAllowed)
    }
}
