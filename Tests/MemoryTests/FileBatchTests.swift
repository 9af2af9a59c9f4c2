import Foundation
import Logging
import Memory
import SQLStore
import SQLStorePostgres
import Scheduler
import StorageRefs
import Synchronization
import Testing
import VectorIO
import _TestBackends

/// A file source that, for one file id, reports that it was asked and then hangs until cancelled (a stuck download).
struct HangingFileSource: VectorStoreFileSource {
    let base: MemoryFileSource
    let hangingID: String
    let reached: AsyncStream<Void>.Continuation

    func file(id: String) async throws -> SourceFile {
        if id == hangingID {
            reached.yield()
            while true { try await Task.sleep(for: .seconds(3_600)) }  // ends only by cancellation
        }
        return try await base.file(id: id)
    }
}

@Suite("Vector store file batches")
struct FileBatchTests {
    static let strategy = ChunkingStrategy.static(maxChunkSizeTokens: 100, chunkOverlapTokens: 0)
    static let quiet = Logger(label: "tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func service(_ backend: TestTableBackend, files: any VectorStoreFileSource, clock: any WallClock = SystemWallClock(), concurrency: Int = 3) throws -> VectorStoreService {
        try VectorStoreService(
            tables: backend.store, configuration: .init(batchConcurrency: concurrency), embedders: [BagOfWordsEmbedder()],
            files: files, tokenizer: ScalarTokenizer(), clock: clock
        )
    }

    static func scheduler(_ backend: TestTableBackend) async throws -> JobScheduler {
        try JobScheduler(
            store: try await TableJobStore.open(store: backend.store),
            configuration: .init(pollInterval: .milliseconds(50), shutdownGracePeriod: .zero),
            logger: quiet
        )
    }

    /// A prepared service with a running scheduler on a fresh backend; stops and closes everything afterwards.
    static func withBatchService(
        _ kind: TestTableBackend.Kind,
        files: any VectorStoreFileSource = MemoryFileSource(files: VectorStoreFixture.corpus),
        clock: any WallClock = SystemWallClock(),
        concurrency: Int = 3,
        _ body: (VectorStoreService, JobScheduler) async throws -> Void
    ) async throws {
        let backend = try await TestTableBackend.open(kind)
        let service = try Self.service(backend, files: files, clock: clock, concurrency: concurrency)
        try await service.prepare()
        let scheduler = try await Self.scheduler(backend)
        try await service.useScheduler(scheduler)
        let running = Task { try await scheduler.run() }
        do {
            try await body(service, scheduler)
        } catch {
            Issue.record(error)
        }
        await scheduler.shutdown()
        try await running.value
        await backend.close()
    }

    /// Checks that the store's counts equal the statuses of its file records.
    static func expectCountsMatchRecords(_ service: VectorStoreService, _ storeID: String) async throws {
        let store = try await service.retrieveStore(id: storeID)
        var files: [VectorStoreFileObject] = []
        var after: String?
        repeat {
            let page = try await service.listFiles(storeID: storeID, limit: 100, after: after)
            files += page.data
            after = page.hasMore ? page.lastID : nil
        } while after != nil
        func count(_ status: String) -> Int { files.filter { $0.status == status }.count }
        #expect(store.fileCounts == VectorStoreFileCounts(
            inProgress: count("in_progress"), completed: count("completed"), failed: count("failed"), cancelled: count("cancelled"), total: files.count
        ))
    }

    @Test("a batch runs as a scheduler job: files processed, counts exact, a missing file failed", arguments: backendKinds)
    func runs(kind: TestTableBackend.Kind) async throws {
        try await Self.withBatchService(kind) { service, scheduler in
            let store = try await service.createStore(chunkingStrategy: Self.strategy)
            let ids = ["file-0", "file-1", "file-2", "file-3", "file-missing"]
            let batch = try await service.createFileBatch(storeID: store.id, fileIDs: ids, attributes: ["batch": true])
            #expect(batch.status == "in_progress" && batch.fileCounts.total == 5)
            let job = try await scheduler.waitUntilFinished(id: batch.id)
            #expect(job.status == .completed)
            let done = try await service.retrieveFileBatch(storeID: store.id, batchID: batch.id)
            #expect(done.status == "completed")
            #expect(done.fileCounts == VectorStoreFileCounts(completed: 4, failed: 1, total: 5))
            let listed = try await service.listFilesInBatch(storeID: store.id, batchID: batch.id, limit: 10)
            #expect(Set(listed.data.map(\.id)) == Set(ids))
            #expect(listed.data.allSatisfy { $0.attributes == ["batch": true] })
            try await Self.expectCountsMatchRecords(service, store.id)
            await #expect(throws: MemoryError.self) { try await service.cancelFileBatch(storeID: store.id, batchID: batch.id) }
            await #expect(throws: MemoryError.self) { try await service.retrieveFileBatch(storeID: "vs_other", batchID: batch.id) }
            await #expect(throws: MemoryError.self) { try await service.createFileBatch(storeID: store.id, fileIDs: ["a", "a"]) }
        }
    }

    @Test("cancelling a running batch records every unfinished file as cancelled, with exact counts", arguments: backendKinds)
    func cancel(kind: TestTableBackend.Kind) async throws {
        let (reached, signal) = AsyncStream.makeStream(of: Void.self)
        let files = HangingFileSource(base: MemoryFileSource(files: VectorStoreFixture.corpus), hangingID: "file-2", reached: signal)
        try await Self.withBatchService(kind, files: files, concurrency: 1) { service, _ in
            let store = try await service.createStore(chunkingStrategy: Self.strategy)
            let batch = try await service.createFileBatch(storeID: store.id, fileIDs: ["file-0", "file-1", "file-2", "file-3", "file-4"])
            var iterator = reached.makeAsyncIterator()
            await iterator.next()  // file-2 is being read, so file-0 and file-1 are done
            let cancelled = try await service.cancelFileBatch(storeID: store.id, batchID: batch.id)
            #expect(cancelled.status == "cancelled")
            #expect(cancelled.fileCounts == VectorStoreFileCounts(completed: 2, cancelled: 3, total: 5))
            try await Self.expectCountsMatchRecords(service, store.id)
        }
    }

    @Test("a batch whose process stops mid-run resumes in a new process with exact counts", arguments: backendKinds)
    func resume(kind: TestTableBackend.Kind) async throws {
        let backend = try await TestTableBackend.open(kind)
        let (reached, signal) = AsyncStream.makeStream(of: Void.self)
        let hanging = HangingFileSource(base: MemoryFileSource(files: VectorStoreFixture.corpus), hangingID: "file-3", reached: signal)
        let first = try Self.service(backend, files: hanging, concurrency: 2)
        try await first.prepare()
        let firstScheduler = try await Self.scheduler(backend)
        try await first.useScheduler(firstScheduler)
        let firstRun = Task { try await firstScheduler.run() }
        let store = try await first.createStore(chunkingStrategy: Self.strategy)
        // A file that fails must stay failed after the resume (llama-stack's resume counted it completed).
        let ids = (0..<8).map { "file-\($0)" } + ["file-missing"]
        let batch = try await first.createFileBatch(storeID: store.id, fileIDs: ids)
        var iterator = reached.makeAsyncIterator()
        await iterator.next()
        // The process stops: its scheduler shuts down with no grace period, interrupting the batch mid-file.
        await firstScheduler.shutdown()
        try await firstRun.value
        let interrupted = try await first.retrieveFileBatch(storeID: store.id, batchID: batch.id)
        #expect(interrupted.status == "in_progress")
        #expect(interrupted.fileCounts.completed < 8)
        #expect(interrupted.fileCounts.total == 9)

        // A new process on the same database resumes the job.
        let reopened = try await backend.reopen()
        let second = try Self.service(reopened, files: MemoryFileSource(files: VectorStoreFixture.corpus))
        let secondScheduler = try await Self.scheduler(reopened)
        try await second.useScheduler(secondScheduler)
        let secondRun = Task { try await secondScheduler.run() }
        do {
            _ = try await secondScheduler.waitUntilFinished(id: batch.id)
            let done = try await second.retrieveFileBatch(storeID: store.id, batchID: batch.id)
            #expect(done.status == "completed")
            #expect(done.fileCounts == VectorStoreFileCounts(completed: 8, failed: 1, total: 9))
            try await Self.expectCountsMatchRecords(second, store.id)
            let contents = try await second.fileContents(storeID: store.id, fileID: "file-3")
            #expect(contents.data.map(\.text) == ["note number 3"])
        } catch {
            Issue.record(error)
        }
        await secondScheduler.shutdown()
        try await secondRun.value
        await reopened.close()
        await backend.close()
    }

    @Test("a batch is not retrievable after it expires (seven days)")
    func expiry() async throws {
        let clock = ManualWallClock()
        try await Self.withBatchService(.sqlite, clock: clock) { service, scheduler in
            let store = try await service.createStore(chunkingStrategy: Self.strategy)
            let batch = try await service.createFileBatch(storeID: store.id, fileIDs: ["file-0"])
            _ = try await scheduler.waitUntilFinished(id: batch.id)
            clock.advance(by: 7 * 86_400)
            await #expect(throws: MemoryError.invalid("batch_id", "batch '\(batch.id)' has expired")) {
                try await service.retrieveFileBatch(storeID: store.id, batchID: batch.id)
            }
        }
    }
}
