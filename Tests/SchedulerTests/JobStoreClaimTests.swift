import Foundation
import Scheduler
import StorageRefs
import Testing

/// What every job store guarantees to claimers, tested on the store directly.
@Suite(.timeLimit(.minutes(2)))
struct JobStoreClaimTests {
    private func scheduleJobs(_ count: Int, types: [String], on store: any JobStore, clock: ManualWallClock) async throws {
        let producer = try JobScheduler(store: store, configuration: testConfiguration(owner: "producer"), clock: clock, logger: quietLogger)
        for type in types { try await producer.register(type) { _ in } }
        for index in 0..<count {
            try await producer.schedule(type: types[index % types.count], id: String(format: "job-%03d", index))
            clock.advance(by: 0.001)
        }
    }

    @Test("twenty concurrent claimers never get the same job, and together get every job", arguments: storeKinds)
    func concurrentClaimsAreDisjoint(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let clock = ManualWallClock()
            try await scheduleJobs(100, types: ["work"], on: stores.store, clock: clock)
            let store = stores.store
            let now = clock.now()
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for claimer in 0..<20 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let request = JobClaimRequest(
                                owner: "claimer-\(claimer)", now: now, leaseExpiresAt: now.addingTimeInterval(60),
                                limits: ["work": 3], maxJobs: 3
                            )
                            let claimed = try await store.claim(request)
                            if claimed.isEmpty { return mine }
                            #expect(claimed.allSatisfy { $0.leaseOwner == "claimer-\(claimer)" && $0.status == .running })
                            mine += claimed.map(\.id)
                        }
                    }
                }
                var all: [[String]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let ids = claims.flatMap { $0 }
            #expect(ids.count == 100, "each job claimed once")
            #expect(Set(ids).count == 100)
            let running = try await store.jobs(type: "work", status: .running)
            #expect(running.count == 100)
            #expect(running.allSatisfy { $0.attempt == 1 })
        }
    }

    @Test("claims respect per-type limits, maxJobs, due times and claim order", arguments: storeKinds)
    func claimLimitsAndOrder(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let clock = ManualWallClock()
            try await scheduleJobs(12, types: ["a", "b"], on: stores.store, clock: clock)
            let producer = try JobScheduler(store: stores.store, configuration: testConfiguration(owner: "producer"), clock: clock, logger: quietLogger)
            try await producer.register("a") { _ in }
            try await producer.schedule(type: "a", id: "later", runAt: clock.now().addingTimeInterval(60))
            let now = clock.now()
            func claim(_ limits: [String: Int], maxJobs: Int, at time: Date = now) async throws -> [String] {
                try await stores.store.claim(
                    JobClaimRequest(owner: "w", now: time, leaseExpiresAt: time.addingTimeInterval(60), limits: limits, maxJobs: maxJobs)
                ).map(\.id).sorted()
            }
            // Earliest first: a gets job-000, 002; b gets job-001.
            #expect(try await claim(["a": 2, "b": 1], maxJobs: 10) == ["job-000", "job-001", "job-002"])
            // maxJobs caps the total; types not listed are never claimed.
            #expect(try await claim(["a": 5], maxJobs: 2) == ["job-004", "job-006"])
            #expect(try await claim(["c": 5], maxJobs: 5) == [])
            // A job is not claimed before its time.
            #expect(try await claim(["a": 10], maxJobs: 10) == ["job-008", "job-010"])
            #expect(try await claim(["a": 10], maxJobs: 10, at: now.addingTimeInterval(60)) == ["later"])
        }
    }

    @Test("lease renewal: only the owner renews; cancel requests are reported", arguments: storeKinds)
    func leaseRenewal(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let clock = ManualWallClock()
            try await scheduleJobs(2, types: ["work"], on: stores.store, clock: clock)
            let now = clock.now()
            let claimed = try await stores.store.claim(
                JobClaimRequest(owner: "w", now: now, leaseExpiresAt: now.addingTimeInterval(30), limits: ["work": 2], maxJobs: 2)
            )
            #expect(claimed.count == 2)
            _ = try await stores.store.update(id: "job-001", ifLeasedBy: nil) { try $0.requestCancel(now: now) }
            let renewed = try await stores.store.renewLeases(["job-000", "job-001", "missing"], owner: "w", expiresAt: now.addingTimeInterval(90))
            #expect(renewed == ["job-000": JobLeaseState(cancelRequested: false), "job-001": JobLeaseState(cancelRequested: true)])
            #expect(try await stores.store.renewLeases(["job-000"], owner: "intruder", expiresAt: now.addingTimeInterval(500)).isEmpty)
            let job = try #require(try await stores.store.job(id: "job-000"))
            #expect(job.leaseExpiresAt.map { abs($0.timeIntervalSince(now.addingTimeInterval(90))) < 0.001 } == true)
            // A renewed lease is not recovered at its old expiry, only after the new one.
            let early = try await stores.store.claim(
                JobClaimRequest(owner: "x", now: now.addingTimeInterval(60), leaseExpiresAt: now.addingTimeInterval(120), limits: ["work": 2], maxJobs: 2)
            )
            #expect(early.isEmpty)
            #expect(try await stores.store.job(id: "job-000")?.status == .running)
            _ = try await stores.store.claim(
                JobClaimRequest(owner: "x", now: now.addingTimeInterval(91), leaseExpiresAt: now.addingTimeInterval(151), limits: [:], maxJobs: 0)
            )
            #expect(try await stores.store.job(id: "job-000")?.status == .failed, "no retries: a lost worker fails the job")
            #expect(try await stores.store.job(id: "job-001")?.status == .cancelled, "a cancel request is honoured on recovery")
            // Writes by a worker that lost its lease are refused.
            #expect(try await stores.store.update(id: "job-000", ifLeasedBy: "w") { $0.progress = 1 } == nil)
        }
    }
}
