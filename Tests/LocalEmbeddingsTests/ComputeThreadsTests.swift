import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import LocalEmbeddings

/// The embedder's own threads: the forward pass runs there, never on Swift's cooperative pool.
@Suite("Compute threads")
struct ComputeThreadsTests {
    /// Slots written by different threads, read after they are joined.
    final class Slots: @unchecked Sendable {  // each index is written by one part only; read after `parallel` returns
        var names: [String?]
        var threads: [pthread_t?]
        init(_ count: Int) {
            names = Array(repeating: nil, count: count)
            threads = Array(repeating: nil, count: count)
        }
    }

    @Test("parallel runs every part once: part 0 on the calling thread, the others on the pool's own threads")
    func parallelParts() async throws {
        let threads = ComputeThreads(count: 3, name: "test-helper")
        defer { threads.stop() }
        let slots = Slots(4)
        let caller = await withCheckedContinuation { (continuation: CheckedContinuation<pthread_t, Never>) in
            Thread {
                threads.parallel(4) { part in slots.threads[part] = pthread_self() }
                continuation.resume(returning: pthread_self())
            }.start()
        }
        #expect(slots.threads[0].map { pthread_equal($0, caller) != 0 } == true)
        let helpers = slots.threads[1...].compactMap { $0 }
        #expect(helpers.count == 3)
        #expect(helpers.allSatisfy { pthread_equal($0, caller) == 0 })
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
