/// A FIFO lock for an actor's mutations that await storage, so two writes never interleave at their suspension
/// points.
final class SerialWriteLock: Sendable {
    private let state = LockState()

    /// Runs `body` holding the lock, on the caller's actor.
    func withLock<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        await state.acquire()
        do {
            let result = try await body()
            await state.release()
            return result
        } catch {
            await state.release()
            throw error
        }
    }

    private actor LockState {
        private var held = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            if !held {
                held = true
                return
            }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            if waiters.isEmpty {
                held = false
            } else {
                // Ownership passes straight to the next waiter.
                waiters.removeFirst().resume()
            }
        }
    }
}
