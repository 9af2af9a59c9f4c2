/// The location of a value inside a run config, such as `storage.backends.sql_default.password`.
///
/// Mapping keys join with `.`, sequence positions are written `[index]`:
/// `providers.vector_io[0].config.persistence`. Every configuration error carries one, so a user can find the
/// line at fault.
public struct ConfigPath: Sendable, Hashable, Comparable {
    /// The components from the document root.
    public private(set) var components: [Component]

    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// A key of a mapping.
        case key(String)
        /// A position in a sequence, from 0.
        case index(Int)
    }

    /// The root of the document (the empty path).
    public static let root = ConfigPath(components: [])

    /// Creates a path from its components.
    public init(components: [Component]) {
        self.components = components
    }

    /// Creates a path from dot-separated keys, e.g. `ConfigPath("storage.backends")`.
    public init(_ dotted: String) {
        self.components = dotted.split(separator: ".").map { .key(String($0)) }
    }

    /// This path extended by a mapping key.
    public func appending(_ key: String) -> ConfigPath {
        ConfigPath(components: components + [.key(key)])
    }

    /// This path extended by a sequence position.
    public func appending(index: Int) -> ConfigPath {
        ConfigPath(components: components + [.index(index)])
    }

    /// The last mapping key of the path, if the path ends in one.
    public var lastKey: String? {
        if case .key(let key) = components.last { return key }
        return nil
    }

    public static func < (lhs: ConfigPath, rhs: ConfigPath) -> Bool {
        lhs.description < rhs.description
    }
}

extension ConfigPath: CustomStringConvertible {
    /// The path as written in messages: `storage.stores.metadata`, `providers.vector_io[0].config`;
    /// the root is `<root>`.
    public var description: String {
        if components.isEmpty { return "<root>" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
