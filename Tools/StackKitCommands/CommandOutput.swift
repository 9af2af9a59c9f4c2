/// What a command printed and the exit status it ends with; commands build one so tests can check both
/// without spawning a process.
public struct CommandOutput: Sendable, Equatable {
    /// Exit status: 0 success, 1 the input is invalid, 2 bad usage or an unreadable file.
    public var exitCode: Int32
    /// Text for standard output.
    public var standardOutput: String
    /// Text for standard error.
    public var standardError: String

    /// Creates an output.
    public init(exitCode: Int32, standardOutput: String = "", standardError: String = "") {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Exit status for success.
    public static let success: Int32 = 0
    /// Exit status when the config is invalid.
    public static let invalid: Int32 = 1
    /// Exit status for bad usage or an unreadable file.
    public static let usage: Int32 = 2
}
