import Foundation

/// Path helpers shared by the configuration loader and the file-based drivers.
public enum StoragePath {
    /// Expands a leading `~` the way a shell does: `~` and `~/…` become the home directory, `~user/…` that user's
    /// home; any other path, and a `~user` whose user does not exist, is returned unchanged.
    ///
    /// - Parameters:
    ///   - path: A path as written in a config, such as `~/.stackkit/kvstore.db`.
    ///   - home: The home directory to use for `~`; nil or empty means the current user's.
    public static func expandingTilde(_ path: String, home: String? = nil) -> String {
        guard path.hasPrefix("~") else { return path }
        let afterTilde = path.dropFirst()
        let slash = afterTilde.firstIndex(of: "/") ?? afterTilde.endIndex
        let user = String(afterTilde[..<slash])
        let directory: String?
        if user.isEmpty {
            directory = home.flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        } else {
            directory = FileManager.default.homeDirectory(forUser: user)?.path
        }
        guard var directory else { return path }
        if directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        return directory + afterTilde[slash...]
    }
}
