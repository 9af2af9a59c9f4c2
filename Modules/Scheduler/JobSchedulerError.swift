/// What went wrong in a scheduler or job store call: a ``Code`` to branch on, and a message that names the job,
/// type or field at fault.
public struct JobSchedulerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No job has the id.
        public static let unknownJob = Code(rawValue: "unknownJob")
        /// A job with the id exists already; ids are unique across every type.
        public static let duplicateJob = Code(rawValue: "duplicateJob")
        /// No handler is registered for the type in this scheduler.
        public static let unknownJobType = Code(rawValue: "unknownJobType")
        /// A handler is registered for the type already.
        public static let duplicateJobType = Code(rawValue: "duplicateJobType")
        /// The job is in a terminal status, which never changes.
        public static let alreadyFinished = Code(rawValue: "alreadyFinished")
        /// The calling worker no longer holds the job's lease (it ended and another worker took the job, or the
        /// job was cancelled); the worker must stop working on it.
        public static let leaseLost = Code(rawValue: "leaseLost")
        /// An argument or configuration field is out of range.
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// A stored job record could not be read.
        public static let corruptRecord = Code(rawValue: "corruptRecord")
        /// The scheduler is running already or has stopped, or the store cannot serve the call.
        public static let notAvailable = Code(rawValue: "notAvailable")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the job, type or field at fault.
    public var message: String
    /// The job concerned, when there is one.
    public var jobID: String?

    /// Creates an error.
    public init(code: Code, message: String, jobID: String? = nil) {
        self.code = code
        self.message = message
        self.jobID = jobID
    }

    public var description: String { "\(code): \(message)" }

    /// No job has this id.
    public static func unknownJob(id: String) -> JobSchedulerError {
        JobSchedulerError(code: .unknownJob, message: "unknown job '\(id)'", jobID: id)
    }

    /// A job with this id exists already.
    public static func duplicateJob(id: String) -> JobSchedulerError {
        JobSchedulerError(code: .duplicateJob, message: "a job with id '\(id)' exists already", jobID: id)
    }

    /// No handler is registered for `type`; the message lists the registered types.
    public static func unknownJobType(type: String, registered: [String]) -> JobSchedulerError {
        JobSchedulerError(
            code: .unknownJobType,
            message: "no handler is registered for job type '\(type)' (registered: \(registered.sorted().joined(separator: ", ")))"
        )
    }

    /// A handler for `type` is registered already.
    public static func duplicateJobType(type: String) -> JobSchedulerError {
        JobSchedulerError(code: .duplicateJobType, message: "a handler for job type '\(type)' is registered already")
    }

    /// The job is in terminal status `status`.
    public static func alreadyFinished(id: String, status: JobStatus) -> JobSchedulerError {
        JobSchedulerError(
            code: .alreadyFinished,
            message: "job '\(id)' is \(status.rawValue) already; a finished job never changes",
            jobID: id
        )
    }

    /// This worker no longer holds the job's lease.
    public static func leaseLost(id: String) -> JobSchedulerError {
        JobSchedulerError(code: .leaseLost, message: "this worker no longer holds the lease of job '\(id)'", jobID: id)
    }

    /// An argument is out of range; `message` names it.
    public static func invalidArgument(_ message: String) -> JobSchedulerError {
        JobSchedulerError(code: .invalidArgument, message: message)
    }

    /// A stored record could not be read; `message` names the job and what is wrong.
    public static func corruptRecord(_ message: String) -> JobSchedulerError {
        JobSchedulerError(code: .corruptRecord, message: "unreadable job record: \(message)")
    }

    /// The scheduler or store cannot serve the call; `message` says why.
    public static func notAvailable(_ message: String) -> JobSchedulerError {
        JobSchedulerError(code: .notAvailable, message: message)
    }
}
