/// A benchmark failure: a wrong result, a missing server, a failed subprocess. Its message never contains a
/// password.
struct BenchError: Error, CustomStringConvertible {
    /// What went wrong, for stderr.
    var message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { self.message }

    /// Throws a ``BenchError`` with `message` unless `condition` holds; the check every benchmark result goes
    /// through, so that a broken store cannot look fast.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(BenchError) {
        if !condition {
            throw BenchError(message())
        }
    }
}
