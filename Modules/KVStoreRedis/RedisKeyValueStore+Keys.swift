import Foundation
import StorageRefs

extension RedisKeyValueStore {
    /// The last millisecond (Unix time) in which an entry expiring at `expiration` is still visible: its `PXAT`.
    ///
    /// Redis hides a key once its clock is past the `PXAT` millisecond, so the key disappears at the start of the
    /// millisecond `expiration` falls in, never after `expiration`.
    static func lastVisibleMillisecond(_ expiration: Date) throws -> Int64 {
        let microseconds = (expiration.timeIntervalSince1970 * 1_000_000).rounded()
        guard microseconds.isFinite, abs(microseconds) < 9e18 else {
            throw StorageError(code: .invalidValue, message: "the expiration \(expiration) is out of range")
        }
        let milliseconds = (microseconds / 1000).rounded(.down)
        return Int64(milliseconds) - 1
    }

    /// The expiration instant whose ``lastVisibleMillisecond(_:)`` is `millisecond`.
    static func expiration(lastVisibleMillisecond millisecond: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millisecond + 1) / 1000)
    }
}
