/// What went wrong in a scheduler or job store call.
public enum JobSchedulerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No job has this id.
    case unknownJob(id: String)
    /// A job with this id exists already; ids are unique across every type.
    case duplicateJob(id: String)
    /// No handler is registered for this type in this scheduler.
    case unknownJobType(type: String, registered: [String])
    /// A handler is registered for this type already.
    case duplicateJobType(type: String)
    /// The job is in a terminal status, which never changes.
    case alreadyFinished(id: String, status: JobStatus)
    /// The calling worker no longer holds the job's lease (it expired and another worker took the job, or the
    /// job was cancelled); the worker must stop working on it.
    case leaseLost(id: String)
    /// An argument is out of range; the message names it.
    case invalidArgument(String)
    /// A stored job record could not be read; the message names the job and the field.
    case corruptRecord(String)
    /// The scheduler is running already, or has shut down.
    case notAvailable(String)

    public var description: String {
        switch self {
        case .unknownJob(let id): "unknown job '\(id)'"
        case .duplicateJob(let id): "a job with id '\(id)' exists already"
        case .unknownJobType(let type, let registered):
            "no handler is registered for job type '\(type)' (registered: \(registered.sorted().joined(separator: ", ")))"
        case .duplicateJobType(let type): "a handler for job type '\(type)' is registered already"
        case .alreadyFinished(let id, let status): "job '\(id)' is \(status.rawValue) already; a finished job never changes"
        case .leaseLost(let id): "this worker no longer holds the lease of job '\(id)'"
        case .invalidArgument(let message): message
        case .corruptRecord(let message): "unreadable job record: \(message)"
        case .notAvailable(let message): message
        }
    }
}
