import Foundation

/// The unfinished jobs of a store that keeps jobs in Swift, indexed so that a claim costs O(log n + k), not a scan.
///
/// Scheduled jobs are kept per type in claim order (earliest ``Job/runAfter``, then oldest, then id); running
/// jobs in a set, which lease recovery scans.
struct ScheduledJobIndex {
    private struct Key: Comparable {
        var runAfter: Date
        var createdAt: Date
        var id: String

        init(_ job: Job) {
            runAfter = job.runAfter
            createdAt = job.createdAt
            id = job.id
        }

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.runAfter, lhs.createdAt, lhs.id) < (rhs.runAfter, rhs.createdAt, rhs.id)
        }
    }

    /// Per type, in claim order. Slices, so that taking the first key (a claim, the common case) is O(1): new jobs
    /// are appended at the end (their `runAfter` is usually the latest), claimed ones leave from the front.
    private var scheduled: [String: ArraySlice<Key>] = [:]
    /// The ids of the running jobs.
    private(set) var running: Set<String> = []

    /// Updates the index for a job that changed from `old` (nil when new) to `new`.
    mutating func replace(_ old: Job?, with new: Job) {
        if let old {
            if old.status == .scheduled { remove(Key(old), type: old.type) }
            if old.status == .running { running.remove(old.id) }
        }
        if new.status == .scheduled { insert(Key(new), type: new.type) }
        if new.status == .running { running.insert(new.id) }
    }

    /// The ids to claim for `request`, in claim order: per type at most its limit, at most `maxJobs` in all.
    func due(for request: JobClaimRequest) -> [String] {
        var chosen: [Key] = []
        for (type, limit) in request.limits where limit > 0 {
            guard let keys = scheduled[type] else { continue }
            for key in keys.prefix(limit) where key.runAfter <= request.now {
                chosen.append(key)
            }
        }
        return chosen.sorted().prefix(max(request.maxJobs, 0)).map(\.id)
    }

    // Both mutate the slice in place (no copy of the type's keys per change).
    private mutating func insert(_ key: Key, type: String) {
        guard let keys = scheduled[type], let last = keys.last, key < last else {
            scheduled[type, default: []].append(key)
            return
        }
        scheduled[type]?.insert(key, at: Self.position(of: key, in: keys))
    }

    private mutating func remove(_ key: Key, type: String) {
        guard let keys = scheduled[type] else { return }
        let index = Self.position(of: key, in: keys)
        guard index < keys.endIndex, keys[index] == key else { return }
        if index == keys.startIndex {
            scheduled[type]?.removeFirst()
        } else {
            scheduled[type]?.remove(at: index)
        }
        if scheduled[type]?.isEmpty == true { scheduled[type] = nil }
    }

    /// The first index whose key is not less than `key`.
    private static func position(of key: Key, in keys: ArraySlice<Key>) -> Int {
        var low = keys.startIndex
        var high = keys.endIndex
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
