import Foundation

/// Progress and notes: written to stderr, so stdout holds only results.
enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
