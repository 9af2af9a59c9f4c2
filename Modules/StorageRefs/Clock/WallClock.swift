public import Foundation
import Synchronization

/// A source of the current wall-clock time, injected into stores that compare against absolute instants
/// (key expiry, job schedules) so tests can move time by hand.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's clock: `Date()`.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    /// `Date()`.
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to, for tests.
///
/// Thread-safe: every read and change takes a lock.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    /// Creates a clock showing `start` (by default 2026-01-01T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    /// The instant the clock shows.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }

    /// Sets the clock to `instant`.
    public func set(to instant: Date) {
        current.withLock { $0 = instant }
    }
}
