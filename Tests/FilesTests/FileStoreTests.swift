import Files
import Foundation
import StorageRefs
import Testing
import _TestBackends

@Suite("File store")
struct FileStoreTests {
    @Test("upload, retrieve, content, list and delete round trip", arguments: backendKinds)
    func roundTrip(kind: TestTableBackend.Kind) async throws {
        try await FileStoreFixture.with(kind) { fixture in
            let bytes = Data([0, 1, 2, 255, 13, 10] + Array("hello\r\n--boundary".utf8))
            let file = try await fixture.files.upload(bytes, filename: "notes.txt", purpose: .assistants)
            #expect(file.id.hasPrefix("file-") && file.id.count == 37)
            #expect(file.bytes == bytes.count)
            #expect(file.createdAt == Int64(fixture.clock.now().timeIntervalSince1970))
            #expect(file.expiresAt == nil)
            #expect(try await fixture.files.retrieve(id: file.id) == file)
            #expect(try await fixture.files.content(id: file.id) == bytes)
            #expect(try await fixture.files.list().data == [file])
            #expect(try fixture.namesOnDisk() == [file.id])

            let deletion = try await fixture.files.delete(id: file.id)
            #expect(deletion == FileDeletion(id: file.id))
            #expect(try fixture.namesOnDisk().isEmpty)
            for call in [{ _ = try await fixture.files.retrieve(id: file.id) }, { _ = try await fixture.files.content(id: file.id) }, { _ = try await fixture.files.delete(id: file.id) }] as [@Sendable () async throws -> Void] {
                await #expect(throws: FileStoreError(code: .notFound, message: "no file with id '\(file.id)'")) { try await call() }
            }
        }
    }

    @Test("OpenAI JSON shapes")
    func jsonShapes() throws {
        let file = FileObject(id: "file-0123456789abcdef0123456789abcdef", bytes: 3, createdAt: 1_700_000_000, expiresAt: nil, filename: "a.txt", purpose: .userData)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(file), as: UTF8.self) == #"{"bytes":3,"created_at":1700000000,"expires_at":null,"filename":"a.txt","id":"file-0123456789abcdef0123456789abcdef","object":"file","purpose":"user_data"}"#)
        #expect(String(decoding: try encoder.encode(FileList(data: [], hasMore: false)), as: UTF8.self) == #"{"data":[],"first_id":"","has_more":false,"last_id":"","object":"list"}"#)
        #expect(String(decoding: try encoder.encode(FileDeletion(id: file.id)), as: UTF8.self) == #"{"deleted":true,"id":"file-0123456789abcdef0123456789abcdef","object":"file"}"#)
        #expect(try JSONDecoder().decode(FileObject.self, from: try encoder.encode(file)) == file)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FilePurpose.self, from: Data(#""training""#.utf8)) }
    }

    @Test("paging over files sharing creation seconds returns each once, in both orders", arguments: backendKinds)
    func paging(kind: TestTableBackend.Kind) async throws {
        try await FileStoreFixture.with(kind) { fixture in
            var uploaded: [FileObject] = []
            for n in 0..<25 {
                if n % 9 == 0 { fixture.clock.advance(by: 1) }  // three distinct created_at values
                uploaded.append(try await fixture.files.upload(Data("f\(n)".utf8), filename: "f\(n).txt", purpose: n % 2 == 0 ? .batch : .assistants))
            }
            let ascending = uploaded.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            for order in [SortDirection.ascending, .descending] {
                var seen: [FileObject] = []
                var after: String?
                while true {
                    let page = try await fixture.files.list(after: after, limit: 4, order: order)
                    seen += page.data
                    #expect(page.firstID == page.data.first?.id ?? "")
                    #expect(page.lastID == page.data.last?.id ?? "")
                    guard page.hasMore else { break }
                    after = page.lastID
                }
                #expect(seen == (order.isAscending ? ascending : ascending.reversed()))
            }
            let batch = try await fixture.files.list(purpose: .batch)
            #expect(batch.data.count == 13)
            #expect(batch.data.allSatisfy { $0.purpose == .batch })
            #expect(try await fixture.files.list(limit: 1).hasMore)
            for limit in [0, 10_001] {
                await #expect(throws: FileStoreError.invalid("limit", "\(limit) is outside 1...10000")) { try await fixture.files.list(limit: limit) }
            }
            await #expect(throws: FileStoreError(code: .unknownCursor, message: "after: no file with id 'file-nope'", field: "after")) {
                try await fixture.files.list(after: "file-nope")
            }
        }
    }

    @Test("expired files are invisible, and reclaimed with their bytes", arguments: backendKinds)
    func expiry(kind: TestTableBackend.Kind) async throws {
        try await FileStoreFixture.with(kind) { fixture in
            let short = try await fixture.files.upload(Data("short".utf8), filename: "s", purpose: .batch, expiresAfter: try FileExpiration(seconds: 3_600))
            let long = try await fixture.files.upload(Data("long".utf8), filename: "l", purpose: .batch, expiresAfter: try FileExpiration(seconds: 7_200))
            let forever = try await fixture.files.upload(Data("forever".utf8), filename: "f", purpose: .batch)
            #expect(short.expiresAt == short.createdAt + 3_600)
            fixture.clock.advance(by: 3_599)
            #expect(try await fixture.files.list().data.count == 3)
            fixture.clock.advance(by: 1)
            #expect(Set(try await fixture.files.list().data.map(\.id)) == [long.id, forever.id])
            await #expect(throws: FileStoreError.self) { try await fixture.files.retrieve(id: short.id) }
            await #expect(throws: FileStoreError.self) { try await fixture.files.content(id: short.id) }
            await #expect(throws: FileStoreError.self) { try await fixture.files.delete(id: short.id) }
            #expect(try fixture.namesOnDisk().contains(short.id))
            #expect(try await fixture.files.reclaimExpired() == 1)
            #expect(try fixture.namesOnDisk() == [long.id, forever.id])
            #expect(try await fixture.backend.store.count(in: "openai_files") == 2)
            fixture.clock.advance(by: 3_600)
            #expect(try await fixture.files.reclaimExpired() == 1)
            #expect(try fixture.namesOnDisk() == [forever.id])
        }
    }

    @Test("expiry outside one hour to thirty days is a typed error naming the field")
    func expirationRange() {
        #expect(throws: FileStoreError.invalid("expires_after[seconds]", "100 is outside 3600...2592000 (one hour to thirty days)")) { try FileExpiration(seconds: 100) }
        #expect(throws: FileStoreError.self) { try FileExpiration(seconds: 2_592_001) }
        #expect(throws: FileStoreError.invalid("expires_after[anchor]", "unknown anchor 'last_active_at'; expected 'created_at'")) {
            try FileExpiration(anchor: "last_active_at", seconds: 3_600)
        }
        #expect(throws: FileStoreError.self) { try FilePurpose(validating: "training") }
    }

    @Test("uploads over the size limit are refused and nothing is written")
    func sizeLimit() async throws {
        try await FileStoreFixture.with(.sqlite, maximumFileSize: 10) { fixture in
            _ = try await fixture.files.upload(Data(count: 10), filename: "ten", purpose: .batch)
            await #expect(throws: FileStoreError(code: .tooLarge, message: "file: 11 bytes exceed the limit of 10 bytes", field: "file")) {
                try await fixture.files.upload(Data(count: 11), filename: "eleven", purpose: .batch)
            }
            #expect(try fixture.namesOnDisk().count == 1)
            #expect(try await fixture.files.list().data.count == 1)
        }
    }

    @Test("path-traversal and odd filenames are stored as given and never touch the file system", arguments: backendKinds)
    func traversal(kind: TestTableBackend.Kind) async throws {
        try await FileStoreFixture.with(kind) { fixture in
            let parent = fixture.directory.deletingLastPathComponent()
            let before = Set(try FileManager.default.contentsOfDirectory(atPath: parent.path))
            let names = ["../../etc/passwd", "/etc/shadow", "..", "a/b\\c.txt", "ünï 🚀.pdf", String(repeating: "x", count: 1_024)]
            var ids: [String] = []
            for name in names {
                let file = try await fixture.files.upload(Data(name.utf8), filename: name, purpose: .userData)
                #expect(file.filename == name)
                #expect(try await fixture.files.retrieve(id: file.id).filename == name)
                ids.append(file.id)
            }
            #expect(try fixture.namesOnDisk() == Set(ids))
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent.path)) == before)
            for bad in ["", "a\u{0}b", String(repeating: "x", count: 1_025)] {
                await #expect(throws: FileStoreError.self) { try await fixture.files.upload(Data(), filename: bad, purpose: .userData) }
            }
            await #expect(throws: FileStoreError.self) { try await fixture.files.retrieve(id: "../../etc/passwd") }
        }
    }

    @Test("a failing metadata insert leaves no bytes on disk")
    func atomicUpload() async throws {
        try await FileStoreFixture.with(.sqlite, store: { FaultInjectingTableStore(base: $0) }) { fixture in
            let store = try #require(fixture.tables as? FaultInjectingTableStore)
            store.fault = .insert
            await #expect(throws: StorageError.self) { try await fixture.files.upload(Data("x".utf8), filename: "x", purpose: .batch) }
            #expect(try fixture.namesOnDisk().isEmpty)
            store.fault = .none
            _ = try await fixture.files.upload(Data("y".utf8), filename: "y", purpose: .batch)
            #expect(try fixture.namesOnDisk().count == 1)
        }
    }

    @Test("an insert that commits but reports an error is a successful upload (bytes kept)")
    func insertCommittedThenFailed() async throws {
        try await FileStoreFixture.with(.sqlite, store: { FaultInjectingTableStore(base: $0) }) { fixture in
            let store = try #require(fixture.tables as? FaultInjectingTableStore)
            store.fault = .insertAfterCommit
            let file = try await fixture.files.upload(Data("kept".utf8), filename: "k", purpose: .batch)
            #expect(try await fixture.files.content(id: file.id) == Data("kept".utf8))
            #expect(try fixture.namesOnDisk() == [file.id])
        }
    }

    @Test("open removes temporary files and bytes without a row; reopening sees the same files", arguments: backendKinds)
    func orphansAndReopen(kind: TestTableBackend.Kind) async throws {
        try await FileStoreFixture.with(kind) { fixture in
            let kept = try await fixture.files.upload(Data("kept".utf8), filename: "kept", purpose: .vision)
            let orphan = "file-" + String(repeating: "ab", count: 16)
            try Data("orphan".utf8).write(to: fixture.directory.appendingPathComponent(orphan))
            try Data("partial".utf8).write(to: fixture.directory.appendingPathComponent(".tmp-interrupted"))
            try Data("mine".utf8).write(to: fixture.directory.appendingPathComponent("README"))  // not the store's: left alone

            let reopened = try await fixture.backend.reopen()
            let again = try await FileStore.open(
                store: reopened.store,
                configuration: .init(directory: fixture.directory.path, orphanGracePeriod: 0),
                clock: fixture.clock,
                logger: quietLogger
            )
            #expect(try fixture.namesOnDisk() == [kept.id, "README"])
            #expect(try await again.retrieve(id: kept.id) == kept)
            #expect(try await again.content(id: kept.id) == Data("kept".utf8))
            await reopened.close()
        }
    }

    @Test("orphans younger than the grace period are left for the process uploading them")
    func orphanGrace() async throws {
        try await FileStoreFixture.with(.sqlite) { fixture in
            let young = "file-" + String(repeating: "cd", count: 16)
            try Data("in flight".utf8).write(to: fixture.directory.appendingPathComponent(young))
            _ = try await FileStore.open(store: fixture.backend.store, configuration: .init(directory: fixture.directory.path), clock: fixture.clock, logger: quietLogger)
            #expect(try fixture.namesOnDisk() == [young])
        }
    }
}
