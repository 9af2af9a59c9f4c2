import Foundation
import Testing

@testable import LocalEmbeddings

/// The embedder's own threads: the forward pass runs there, never on Swift's cooperative pool.
@Suite("Compute threads")
struct ComputeThreadsTests {
    /// Slots written by different threads, read after they are joined.
    final class Slots: @unchecked Sendable {  // each index is written by one part only; read after `parallel` returns
        var names: [String?]
        init(_ count: Int) { names = Array(repeating: nil, count: count) }
    }

    @Test("parallel runs every part once: part 0 on the caller, the others on the pool's named threads")
    func parallelParts() async throws {
        let threads = ComputeThreads(count: 3, name: "test-helper")
        defer { threads.stop() }
        let slots = Slots(4)
        let done = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let caller = Thread {
                Thread.current.name = "test-caller"
                threads.parallel(4) { part in slots.names[part] = Thread.current.name ?? "" }
                continuation.resume(returning: true)
            }
            caller.start()
        }
        #expect(done)
        #expect(slots.names[0] == "test-caller")
        for part in 1..<4 { #expect(slots.names[part]?.hasPrefix("test-helper-") == true, "\(slots.names)") }
    }

    @Test("one thread runs submitted jobs in order, and stop lets queued jobs finish")
    func submissionOrder() async {
        let threads = ComputeThreads(count: 1, name: "test-driver")
        let order = Slots(0)
        let lock = NSLock()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for index in 0..<50 {
                threads.submit {
                    lock.lock()
                    order.names.append(String(index))
                    lock.unlock()
                }
            }
            threads.submit { continuation.resume() }
            threads.stop()
        }
        #expect(order.names == (0..<50).map { String($0) })
    }
}
