import Testing
import VectorIO

/// Chunk ids must equal llama-stack's `generate_chunk_id`; the expected values were computed with Python's hashlib:
/// `str(uuid.UUID(hashlib.sha256(f"{doc}:{text}" + (f":{window}" if window else "")).encode()).hexdigest()[:32]))`.
@Suite("Chunk ids")
struct ChunkIDTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var documentID: String
        var text: String
        var window: String?
        var expected: String
        var testDescription: String { "\(documentID.prefix(8)):\(text.prefix(12))" }
    }

    static let cases: [Case] = [
        Case(documentID: "doc-1", text: "test", expected: "31d1f9a3-c8d2-66e7-3c37-af2acd329778"),
        Case(documentID: "doc-1", text: "test", window: "0-5", expected: "11ec3bd0-f285-20ae-5cfb-b8a3d9a72bb6"),
        Case(documentID: "", text: "", expected: "e7ac0786-668e-0ff0-f02b-62bd04f45ff6"),
        Case(documentID: "doc-ü", text: "naïve café", expected: "5d469846-eae6-5735-b057-ac1ea42653d0"),
        Case(documentID: "doc-2", text: "日本語のテキスト", expected: "e60756e7-a097-7ef9-548e-0d8f6d9c9ad9"),
        Case(documentID: "doc-3", text: "emoji 🚀 text", expected: "c80b0627-248c-ed0f-0bdf-23c0abd88304"),
        Case(documentID: "doc-4", text: String(repeating: "abc", count: 667), expected: "85f59af5-a7b4-690a-e802-0d161abaeaa2"),
        Case(documentID: "doc:5", text: "colon:inside", expected: "76d116e5-b9ca-d144-9f6d-b89dde5f63d6"),
        Case(documentID: "doc-6", text: "line1\nline2\ttab", expected: "89e62594-12fc-e4de-a067-c59e0b4328f1"),
    ]

    @Test("matches llama-stack's generate_chunk_id", arguments: cases)
    func matchesReference(_ testCase: Case) {
        #expect(ChunkID.generate(documentID: testCase.documentID, chunkText: testCase.text, window: testCase.window) == testCase.expected)
    }

    @Test("the MD5 form of llama-stack up to v0.2.21")
    func md5() {
        #expect(ChunkID.generate(documentID: "doc-1", chunkText: "test", digest: .md5) == "f68df25d-d9aa-ab4d-5684-64a233add20d")
        #expect(ChunkID.generate(documentID: "doc-1", chunkText: "test", window: "0-5", digest: .md5) == "b034c9f7-3626-1ac6-b4bd-fa26302c12f2")
        #expect(ChunkID.generate(documentID: "doc-ü", chunkText: "naïve café", digest: .md5) == "38823256-fe31-d8ac-cada-e0379a4e62b5")
    }

    @Test("an empty window is ignored, as in llama-stack")
    func emptyWindow() {
        #expect(ChunkID.generate(documentID: "doc-1", chunkText: "test", window: "") == "31d1f9a3-c8d2-66e7-3c37-af2acd329778")
    }

    @Test("a chunk without an id gets the generated one")
    func chunkDefaultsToGeneratedID() {
        let chunk = Chunk(documentID: "doc-1", content: "test", embedding: [1])
        #expect(chunk.id == "31d1f9a3-c8d2-66e7-3c37-af2acd329778")
    }

    @Test("collection names are sanitised in both of llama-stack's forms")
    func collectionNames() {
        #expect(CollectionName.sanitized("my-collection.v1") == "my_collection_v1")
        #expect(CollectionName.sanitized("Hello World 2") == "Hello_World_2")
        #expect(CollectionName.sanitized("a__b--c") == "a__b__c")
        #expect(CollectionName.sanitized("ünïcode-name") == "_n_code_name")
        #expect(CollectionName.sanitizedForWeaviate("my-collection.v1") == "Mycollectionv1")
        #expect(CollectionName.sanitizedForWeaviate("Hello World 2") == "Helloworld2")
        #expect(CollectionName.sanitizedForWeaviate("a__b--c") == "Abc")
        #expect(CollectionName.sanitizedForWeaviate("ünïcode-name") == "Ncodename")
        #expect(CollectionName.sanitizedForWeaviate("--") == "")
    }
}
