import Foundation

/// How the stores that keep jobs in Swift pick the jobs to recover and to claim.
enum JobSelection {
    /// Claim order: earliest `runAfter` first, then oldest, then by id.
    static func claimOrder(_ lhs: Job, _ rhs: Job) -> Bool {
        (lhs.runAfter, lhs.createdAt, lhs.id) < (rhs.runAfter, rhs.createdAt, rhs.id)
    }

    /// Listing order: oldest first, then by id.
    static func listOrder(_ lhs: Job, _ rhs: Job) -> Bool {
        (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id)
    }

    /// The ids of the jobs to claim for `request`, in claim order, within each type's limit.
    static func due(in jobs: some Sequence<Job>, for request: JobClaimRequest) -> [String] {
        var candidates: [String: [Job]] = [:]
        for job in jobs where job.isDue(at: request.now) {
            guard let limit = request.limits[job.type], limit > 0 else { continue }
            candidates[job.type, default: []].append(job)
        }
        var chosen: [Job] = []
        for (type, jobs) in candidates {
            let limit = request.limits[type] ?? 0
            chosen.append(contentsOf: jobs.sorted(by: claimOrder).prefix(limit))
        }
        return chosen.sorted(by: claimOrder).prefix(max(request.maxJobs, 0)).map(\.id)
    }

    /// Whether `job` matches a listing filter.
    static func matches(_ job: Job, type: String?, status: JobStatus?) -> Bool {
        (type == nil || job.type == type) && (status == nil || job.status == status)
    }
}
