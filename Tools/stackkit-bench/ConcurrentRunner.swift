/// Runs a measured loop on several child tasks of a task group, splitting the operations among them.
enum ConcurrentRunner {
    /// How many of `total` operations task `task` of `tasks` runs: an even split, the remainder to the first tasks.
    static func share(of total: Int, tasks: Int, task: Int) -> Int {
        total / tasks + (task < total % tasks ? 1 : 0)
    }

    /// Runs `body(task, count)` on `tasks` child tasks at once and returns the wall time from before the first
    /// task starts until the last one ends, with each task's output in task order.
    ///
    /// Everything a measurement needs (connections, data) must exist before this is called.
    static func run<Output: Sendable>(
        tasks: Int,
        total: Int,
        _ body: @escaping @Sendable (_ task: Int, _ count: Int) async throws -> Output
    ) async throws -> (elapsed: Duration, outputs: [Output]) {
        let clock = ContinuousClock()
        let start = clock.now
        let outputs = try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            for task in 0..<tasks {
                let count = Self.share(of: total, tasks: tasks, task: task)
                group.addTask { (task, try await body(task, count)) }
            }
            var outputs: [(Int, Output)] = []
            for try await output in group {
                outputs.append(output)
            }
            return outputs
        }
        let elapsed = clock.now - start
        return (elapsed, outputs.sorted { $0.0 < $1.0 }.map(\.1))
    }

    /// Operations per second of `count` operations done in `elapsed`.
    static func rate(_ count: Int, in elapsed: Duration) -> Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(count) / seconds : 0
    }
}
