import Foundation

/// A few threads of their own that run closures in submission order.
///
/// The forward pass runs here rather than on Swift's cooperative pool or Dispatch's global queues — which on Linux
/// are the same threads — so arithmetic that takes milliseconds to seconds never holds a thread other tasks need.
///
/// `@unchecked Sendable`: the only mutable state, `jobs` and `stopping`, is read and written with `condition` locked.
final class ComputeThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false

    /// Starts `count` threads named `name`.
    init(count: Int, name: String) {
        for index in 0..<count {
            // Named from inside: a name set before `start()` is not applied on Linux (the thread keeps its parent's).
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                Thread.current.name = threadName
                self.work()
            }
            thread.start()
        }
    }

    /// Queues `job`; one of the threads runs it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads finish the queued jobs and end.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body(0..<parts)`: part 0 on the calling thread, the others on these threads; returns when all are done.
    ///
    /// The caller must not be one of these threads (a part waiting for a part behind it would never finish).
    func parallel(_ parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard parts > 1 else {
            body(0)
            return
        }
        let group = DispatchGroup()
        for part in 1..<parts {
            group.enter()
            submit {
                body(part)
                group.leave()
            }
        }
        body(0)
        group.wait()
    }
}
