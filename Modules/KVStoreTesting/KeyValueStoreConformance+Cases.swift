import Foundation
import StorageRefs
import Testing

/// The state of one case run: the backend and a run id that makes namespaces unique.
struct Context {
    let backend: any KeyValueBackend
    let harness: KeyValueStoreConformance.Harness
    let run: String

    var name: String { harness.name }

    /// A store in a namespace unique to this run.
    func store(_ label: String = "main") async throws -> any KeyValueStore {
        try await backend.keyValueStore(namespace: "conformance-\(run)-\(label)")
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func expectInvalidKey(_ operation: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(name): \(operation) must throw invalidKey")
        } catch let error as StorageError {
            #expect(error.code == .invalidKey, "\(name): \(operation) threw \(error.code), expected invalidKey")
        } catch {
            Issue.record("\(name): \(operation) threw \(error), expected a StorageError")
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func run(_ testCase: KeyValueStoreConformance.Case) async throws {
        switch testCase {
        case .setThenGet:
            let store = try await store()
            try await store.set("k", value: bytes("v"), expiration: nil)
            #expect(try await store.get("k") == bytes("v"), "\(name)")

        case .getOfMissingKeyIsNil:
            let store = try await store()
            #expect(try await store.get("absent") == nil, "\(name)")

        case .overwriteReplacesTheValue:
            let store = try await store()
            try await store.set("k", value: bytes("first"), expiration: nil)
            try await store.set("k", value: bytes("second"), expiration: nil)
            #expect(try await store.get("k") == bytes("second"), "\(name)")
            #expect(try await store.count() == 1, "\(name)")

        case .deleteRemovesTheKey:
            let store = try await store()
            try await store.set("k", value: bytes("v"), expiration: nil)
            try await store.set("other", value: bytes("w"), expiration: nil)
            try await store.delete("k")
            #expect(try await store.get("k") == nil, "\(name)")
            #expect(try await store.keys(in: .all) == ["other"], "\(name)")

        case .deleteOfMissingKeyIsANoOp:
            let store = try await store()
            try await store.delete("never-written")
            try await store.delete("never-written")
            #expect(try await store.count() == 0, "\(name)")

        case .emptyKeyIsRejected:
            let store = try await store()
            await expectInvalidKey("set(\"\")") { try await store.set("", value: bytes("v"), expiration: nil) }
            await expectInvalidKey("get(\"\")") { _ = try await store.get("") }
            await expectInvalidKey("delete(\"\")") { try await store.delete("") }
            await expectInvalidKey("batch set with \"\"") { try await store.set([KeyValueEntry(key: "ok", value: []), KeyValueEntry(key: "", value: [])]) }
            await expectInvalidKey("batch get with \"\"") { _ = try await store.get(["ok", ""]) }
            // A rejected batch writes nothing.
            #expect(try await store.get("ok") == nil, "\(name): a rejected batch must not write part of itself")

        case .keyWithNULIsRejected:
            let store = try await store()
            await expectInvalidKey("set with U+0000") { try await store.set("a\u{0}b", value: bytes("v"), expiration: nil) }
            await expectInvalidKey("get with U+0000") { _ = try await store.get("a\u{0}b") }

        case .emptyNamespaceIsRejected:
            await expectInvalidKey("keyValueStore(namespace: \"\")") { _ = try await backend.keyValueStore(namespace: "") }

        case .namespacesIsolateOnOneBackend:
            let first = try await store("first")
            let second = try await store("second")
            try await first.set("shared", value: bytes("one"), expiration: nil)
            try await second.set("shared", value: bytes("two"), expiration: nil)
            try await first.set("only-first", value: bytes("x"), expiration: nil)
            #expect(try await first.get("shared") == bytes("one"), "\(name)")
            #expect(try await second.get("shared") == bytes("two"), "\(name)")
            #expect(try await second.get("only-first") == nil, "\(name)")
            #expect(try await first.keys(in: .all) == ["only-first", "shared"], "\(name)")
            #expect(try await second.keys(in: .all) == ["shared"], "\(name)")
            #expect(try await second.count() == 1, "\(name)")
            try await second.delete("shared")
            #expect(try await first.get("shared") == bytes("one"), "\(name): a delete in one namespace must not touch another")

        case .namespacesThatArePrefixesOfEachOtherIsolate:
            // Namespace "a" with key "b:c" and namespace "a:b" with key "c" must not collide.
            let outer = try await backend.keyValueStore(namespace: "conformance-\(run)-a")
            let inner = try await backend.keyValueStore(namespace: "conformance-\(run)-a:b")
            try await outer.set("b:c", value: bytes("outer"), expiration: nil)
            try await inner.set("c", value: bytes("inner"), expiration: nil)
            #expect(try await outer.get("b:c") == bytes("outer"), "\(name)")
            #expect(try await inner.get("c") == bytes("inner"), "\(name)")
            #expect(try await outer.keys(in: .all) == ["b:c"], "\(name)")
            #expect(try await inner.keys(in: .all) == ["c"], "\(name)")

        case .rangesAreHalfOpen:
            let store = try await store()
            for key in ["a", "b", "c", "d"] { try await store.set(key, value: bytes(key), expiration: nil) }
            #expect(try await store.keys(in: KeyRange(from: "b", to: "d")) == ["b", "c"], "\(name): [b, d) includes b, excludes d")
            #expect(try await store.values(in: KeyRange(from: "a", to: "c")) == [bytes("a"), bytes("b")], "\(name)")
            #expect(try await store.keys(in: KeyRange(from: "b", to: "b\u{0001}")) == ["b"], "\(name)")

        case .rangesAreOrderedByUTF8Bytes:
            let store = try await store()
            let keys = ["zebra", "Zebra", "é", "e\u{301}", "日本", "😀", "a", "ab", "a b", "~", "\u{7F}"]
            for key in keys.shuffled() { try await store.set(key, value: bytes(key), expiration: nil) }
            let expected = keys.sorted { KeyRange.utf8Precedes($0, $1) }
            #expect(try await store.keys(in: .all) == expected, "\(name)")
            let entries = try await store.entries(in: .all)
            #expect(entries.map(\.value) == expected.map(bytes), "\(name): values follow their keys")
            // A range between non-ASCII bounds.
            #expect(try await store.keys(in: KeyRange(from: "é", to: "😀")) == expected.filter {
                !KeyRange.utf8Precedes($0, "é") && KeyRange.utf8Precedes($0, "😀")
            }, "\(name)")

        case .rangeLimitTakesTheFirstKeys:
            let store = try await store()
            for index in 0..<20 { try await store.set(String(format: "k%02d", index), value: [UInt8(index)], expiration: nil) }
            let page = try await store.entries(in: .all, limit: 5)
            #expect(page.map(\.key) == ["k00", "k01", "k02", "k03", "k04"], "\(name)")
            let next = try await store.entries(in: KeyRange.from("k05"), limit: 3)
            #expect(next.map(\.key) == ["k05", "k06", "k07"], "\(name)")
            #expect(try await store.entries(in: .all, limit: 0).isEmpty, "\(name): limit 0 returns nothing")

        case .emptyAndInvertedRangesReturnNothing:
            let store = try await store()
            for key in ["a", "b", "c"] { try await store.set(key, value: bytes(key), expiration: nil) }
            #expect(try await store.keys(in: KeyRange(from: "b", to: "b")).isEmpty, "\(name)")
            #expect(try await store.keys(in: KeyRange(from: "c", to: "a")).isEmpty, "\(name)")

        case .unboundedRangeReturnsEverything:
            let store = try await store()
            for key in ["m", "a", "z", "\u{10FFFF}"] { try await store.set(key, value: bytes(key), expiration: nil) }
            #expect(try await store.keys(in: .all) == ["a", "m", "z", "\u{10FFFF}"], "\(name)")
            #expect(try await store.keys(in: KeyRange.from("m")) == ["m", "z", "\u{10FFFF}"], "\(name)")

        case .prefixScanFindsExactlyThePrefixedKeys:
            let store = try await store()
            for key in ["user:1", "user:2", "user:10", "user;", "user", "users:1", "use", "v"] {
                try await store.set(key, value: bytes(key), expiration: nil)
            }
            #expect(try await store.keys(withPrefix: "user:") == ["user:1", "user:10", "user:2"], "\(name)")
            #expect(try await store.keys(withPrefix: "user") == ["user", "user:1", "user:10", "user:2", "user;", "users:1"], "\(name)")
            #expect(try await store.keys(withPrefix: "").count == 8, "\(name): the empty prefix is every key")
            #expect(try await store.entries(withPrefix: "user:", limit: 2).map(\.key) == ["user:1", "user:10"], "\(name)")

        case .prefixScanFindsKeysAboveU00FF:
            // llama-stack's `prefix + "\u{FF}"` bound misses these.
            let store = try await store()
            let inside = ["a", "a\u{FF}", "a\u{100}", "a\u{4E00}", "a日本", "a😀", "a\u{10FFFF}"]
            for key in inside + ["b", "`", "\u{E0}"] { try await store.set(key, value: bytes(key), expiration: nil) }
            #expect(try await store.keys(withPrefix: "a") == inside.sorted { KeyRange.utf8Precedes($0, $1) }, "\(name)")
            #expect(try await store.keys(withPrefix: "日") == [], "\(name)")
            try await store.set("日本語", value: bytes("x"), expiration: nil)
            try await store.set("日本", value: bytes("x"), expiration: nil)
            try await store.set("日曜", value: bytes("x"), expiration: nil)
            #expect(try await store.keys(withPrefix: "日本") == ["日本", "日本語"], "\(name)")

        case .keysAndValuesConveniences:
            let store = try await store()
            try await store.set("b", string: "2")
            try await store.set("a", string: "1")
            #expect(try await store.keys(in: .all) == ["a", "b"], "\(name)")
            #expect(try await store.values(in: .all) == [bytes("1"), bytes("2")], "\(name)")
            #expect(try await store.string(forKey: "a") == "1", "\(name)")

        case .pastExpiryIsInvisibleToGet:
            let store = try await store()
            let now = try await harness.now()
            try await store.set("old", value: bytes("v"), expiration: now.addingTimeInterval(-60))
            #expect(try await store.get("old") == nil, "\(name)")
            #expect(try await store.get(["old"]).isEmpty, "\(name)")

        case .pastExpiryIsInvisibleToRangesScansAndCount:
            let store = try await store()
            let now = try await harness.now()
            try await store.set("p:old", value: bytes("v"), expiration: now.addingTimeInterval(-60))
            try await store.set("p:live", value: bytes("v"), expiration: nil)
            #expect(try await store.keys(in: .all) == ["p:live"], "\(name)")
            #expect(try await store.keys(withPrefix: "p:") == ["p:live"], "\(name)")
            #expect(try await store.count() == 1, "\(name)")

        case .futureExpiryIsVisibleWithItsExpiration:
            let store = try await store()
            let expiry = try await harness.now().addingTimeInterval(3600)
            try await store.set("soon", value: bytes("v"), expiration: expiry)
            #expect(try await store.get("soon") == bytes("v"), "\(name)")
            let entry = try #require(try await store.entries(in: .all).first, "\(name)")
            let reported = try #require(entry.expiration, "\(name): entries report their expiration")
            #expect(abs(reported.timeIntervalSince(expiry)) < 0.002, "\(name): expiration kept to the millisecond")

        case .expiryPassingMakesTheKeyInvisible:
            let store = try await store()
            // Long enough for a loaded machine on a real clock: in a full test run on 2 cores a task has waited over
            // 2 s between two awaits (Redis' `get` then saw the key expired).
            let expiry = try await harness.now().addingTimeInterval(5)
            try await store.set("brief", value: bytes("v"), expiration: expiry)
            try await store.set("lasting", value: bytes("v"), expiration: nil)
            #expect(try await store.get("brief") == bytes("v"), "\(name)")
            try await harness.advanceTime(expiry)
            #expect(try await store.get("brief") == nil, "\(name)")
            #expect(try await store.keys(in: .all) == ["lasting"], "\(name)")
            #expect(try await store.count() == 1, "\(name)")

        case .overwriteClearsAPreviousExpiry:
            let store = try await store()
            // Long enough for a loaded machine on a real clock: in a full test run on 2 cores a task has waited over
            // 2 s between two awaits (Redis' `get` then saw the key expired).
            let expiry = try await harness.now().addingTimeInterval(5)
            try await store.set("k", value: bytes("expiring"), expiration: expiry)
            try await store.set("k", value: bytes("permanent"), expiration: nil)
            try await harness.advanceTime(expiry)
            #expect(try await store.get("k") == bytes("permanent"), "\(name)")
            #expect(try await store.entries(in: .all).first?.expiration == nil, "\(name)")

        case .oneMebibyteValueRoundTrips:
            let store = try await store()
            var generator = SystemRandomNumberGenerator()
            let value = (0..<(1 << 20)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try await store.set("big", value: value, expiration: nil)
            #expect(try await store.get("big") == value, "\(name)")

        case .binaryValuesWithNULRoundTrip:
            let store = try await store()
            let value = (0...255).map { UInt8($0) } + [0, 0, 0xFF, 0]
            try await store.set("binary", value: value, expiration: nil)
            #expect(try await store.get("binary") == value, "\(name)")
            #expect(try await store.get(["binary"])["binary"] == value, "\(name)")
            #expect(try await store.entries(in: .all).first?.value == value, "\(name)")

        case .emptyValueIsNotAMissingKey:
            let store = try await store()
            try await store.set("empty", value: [], expiration: nil)
            #expect(try await store.get("empty") == [], "\(name)")
            #expect(try await store.get(["empty"]) == ["empty": []], "\(name)")
            #expect(try await store.count() == 1, "\(name)")

        case .stringConveniences:
            let store = try await store()
            try await store.set("greeting", string: "grüß dich 👋")
            #expect(try await store.string(forKey: "greeting") == "grüß dich 👋", "\(name)")
            #expect(try await store.string(forKey: "absent") == nil, "\(name)")
            try await store.set("invalid", value: [0xC3, 0x28], expiration: nil)
            do {
                _ = try await store.string(forKey: "invalid")
                Issue.record("\(name): invalid UTF-8 must not decode as a string")
            } catch let error as StorageError {
                #expect(error.code == .invalidValue, "\(name)")
            }

        case .unicodeKeysRoundTrip:
            let store = try await store()
            let keys = ["é", "e\u{301}", "日本", "😀", "a b\tc\nd", "'; DROP TABLE kv; --", "%_*?[]", "\\", "\u{10FFFF}"]
            for key in keys { try await store.set(key, value: bytes("v-" + key), expiration: nil) }
            for key in keys { #expect(try await store.get(key) == bytes("v-" + key), "\(name): key \(key.debugDescription)") }
            // Canonically equivalent strings are different keys (compared by bytes, not by Unicode equivalence).
            #expect(try await store.count() == keys.count, "\(name)")

        case .batchSetThenBatchGet:
            let store = try await store()
            let entries = (0..<100).map { KeyValueEntry(key: "batch-\($0)", value: bytes("value-\($0)")) }
            try await store.set(entries)
            let found = try await store.get(entries.map(\.key) + ["batch-missing"])
            #expect(found.count == 100, "\(name)")
            #expect(found["batch-42"] == bytes("value-42"), "\(name)")
            #expect(found["batch-missing"] == nil, "\(name)")
            #expect(try await store.count() == 100, "\(name)")
            #expect(try await store.get([]).isEmpty, "\(name)")
            try await store.set([])

        case .batchSetOverwritesAndExpires:
            let store = try await store()
            let now = try await harness.now()
            try await store.set("a", value: bytes("old"), expiration: nil)
            try await store.set([
                KeyValueEntry(key: "a", value: bytes("new")),
                KeyValueEntry(key: "b", value: bytes("gone"), expiration: now.addingTimeInterval(-1)),
                KeyValueEntry(key: "c", value: bytes("later"), expiration: now.addingTimeInterval(3600)),
            ])
            #expect(try await store.get("a") == bytes("new"), "\(name)")
            #expect(try await store.get("b") == nil, "\(name)")
            #expect(try await store.keys(in: .all) == ["a", "c"], "\(name)")

        case .batchGetSkipsMissingAndExpired:
            let store = try await store()
            let now = try await harness.now()
            try await store.set("live", value: bytes("1"), expiration: nil)
            try await store.set("dead", value: bytes("2"), expiration: now.addingTimeInterval(-5))
            #expect(try await store.get(["live", "dead", "never", "live"]) == ["live": bytes("1")], "\(name)")

        case .countIsPerNamespace:
            let first = try await store("count-a")
            let second = try await store("count-b")
            for index in 0..<7 { try await first.set("k\(index)", value: [], expiration: nil) }
            for index in 0..<3 { try await second.set("k\(index)", value: [], expiration: nil) }
            #expect(try await first.count() == 7, "\(name)")
            #expect(try await second.count() == 3, "\(name)")

        case .hundredConcurrentWritersLoseNothing:
            let store = try await store()
            let writers = 100
            let perWriter = 15
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for index in 0..<perWriter {
                            try await store.set("w\(writer)-\(index)", value: [UInt8(writer), UInt8(index)], expiration: nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.count() == writers * perWriter, "\(name): every one of \(writers * perWriter) writes must land")
            let sample = try await store.get((0..<writers).map { "w\($0)-\(perWriter - 1)" })
            #expect(sample.count == writers, "\(name)")
            #expect(sample["w57-14"] == [57, 14], "\(name)")

        case .readersDuringWritesSeeWholeValues:
            let store = try await store()
            let versions = (0..<20).map { version in [UInt8](repeating: UInt8(version), count: 4096) }
            try await store.set("hot", value: versions[0], expiration: nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for version in versions.dropFirst() { try await store.set("hot", value: version, expiration: nil) }
                }
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<25 {
                            let value = try #require(try await store.get("hot"), "a reader must never see the key missing")
                            #expect(versions.contains(value), "a reader must see one whole written version")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.get("hot") == versions.last, "\(name)")

        case .dataSurvivesReopening:
            guard harness.survivesReopen else { return }
            let store = try await store("durable")
            try await store.set("persisted", value: bytes("still here"), expiration: nil)
            try await backend.shutdown()
            let reopened = try await harness.openBackend()
            do {
                let again = try await reopened.keyValueStore(namespace: "conformance-\(run)-durable")
                #expect(try await again.get("persisted") == bytes("still here"), "\(name)")
                #expect(try await again.count() == 1, "\(name)")
            } catch {
                try? await reopened.shutdown()
                throw error
            }
            try await reopened.shutdown()

        case .storesFailAfterShutdown:
            let store = try await store()
            try await store.set("k", value: bytes("v"), expiration: nil)
            try await backend.shutdown()
            do {
                _ = try await store.get("k")
                Issue.record("\(name): a store must fail after its backend shut down")
            } catch let error as StorageError {
                #expect(error.code == .closed, "\(name): expected closed, got \(error.code)")
            }

        case .unreachableStorageFailsClearly:
            break   // handled by KeyValueStoreConformance itself: it needs no open backend
        }
    }
}
