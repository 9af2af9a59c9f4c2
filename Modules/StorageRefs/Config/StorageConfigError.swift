/// The error thrown when a run config cannot be read, parsed, resolved or validated.
///
/// Loading reports every problem it finds at once (``issues``), each with its path, rather than stopping at the
/// first one. Secret values never appear in the error.
public struct StorageConfigError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadableFile
            case invalidYAML
            case invalidConfig
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read (missing, a directory, not UTF-8, no permission).
        public static let unreadableFile = Code(.unreadableFile)
        /// The text is not well-formed YAML (or not a mapping at the top).
        public static let invalidYAML = Code(.invalidYAML)
        /// The YAML is well-formed but the configuration is wrong: see ``StorageConfigError/issues``.
        public static let invalidConfig = Code(.invalidConfig)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code

    /// Every problem found, in document order. Never empty.
    public var issues: [ConfigIssue]

    /// The file the config came from, when it came from a file.
    public var source: String?

    /// Creates an error.
    public init(code: Code, issues: [ConfigIssue], source: String? = nil) {
        self.code = code
        self.issues = issues
        self.source = source
    }

    /// One line per issue; the first line names the source file when there is one.
    public var description: String {
        var lines: [String] = []
        if let source {
            lines.append("\(source): \(issues.count == 1 ? "1 problem" : "\(issues.count) problems")")
        }
        lines += issues.map(\.description)
        return lines.joined(separator: "\n")
    }
}
