/// How the stores that keep jobs in Swift filter and order listings.
enum JobSelection {
    /// Listing order: oldest first, then by id.
    static func listOrder(_ lhs: Job, _ rhs: Job) -> Bool {
        (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id)
    }

    /// Whether `job` matches a listing filter.
    static func matches(_ job: Job, type: String?, status: JobStatus?) -> Bool {
        (type == nil || job.type == type) && (status == nil || job.status == status)
    }
}
