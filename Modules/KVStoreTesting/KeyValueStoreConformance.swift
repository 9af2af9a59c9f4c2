public import Foundation
public import StorageRefs
import Testing

/// The shared conformance suite for ``KeyValueStore`` implementations: every backend runs these cases, so every
/// backend has the semantics of DESIGN §3.
///
/// Each case opens the backend through the ``Harness``, works in namespaces of its own (unique per run), and
/// shuts the backend down, so cases can run in parallel against one shared server.
///
/// ```swift
/// @Test(arguments: KeyValueStoreConformance.Case.allCases)
/// func conformance(_ testCase: KeyValueStoreConformance.Case) async throws {
///     try await KeyValueStoreConformance(harness).run(testCase)
/// }
/// ```
public struct KeyValueStoreConformance: Sendable {
    /// How the suite reaches one backend.
    public struct Harness: Sendable {
        /// A name for messages, such as `sqlite` or `redis`.
        public var name: String
        /// Opens the backend on the same storage every time (same file, database or server).
        public var openBackend: @Sendable () async throws -> any KeyValueBackend
        /// The current time as the backend sees it.
        public var now: @Sendable () async throws -> Date
        /// Returns once the backend's time is past the given instant (advance a manual clock, or wait for a
        /// server's clock).
        public var advanceTime: @Sendable (Date) async throws -> Void
        /// Whether data written before ``StorageBackend/shutdown()`` is there after reopening.
        public var survivesReopen: Bool
        /// How to open the backend against storage that cannot be reached, or nil when that cannot happen.
        public var unreachable: Unreachable?

        /// A backend that must fail to open or on first use.
        public struct Unreachable: Sendable {
            /// Opens the unreachable backend; opening or its first operation must throw.
            public var open: @Sendable () async throws -> any KeyValueBackend
            /// Text the error must contain (such as `host:port` or a path).
            public var mustMention: [String]
            /// Text the error must never contain (such as the password).
            public var mustNotMention: [String]

            /// Creates the description of an unreachable backend.
            public init(
                open: @escaping @Sendable () async throws -> any KeyValueBackend,
                mustMention: [String],
                mustNotMention: [String]
            ) {
                self.open = open
                self.mustMention = mustMention
                self.mustNotMention = mustNotMention
            }
        }

        /// Creates a harness.
        public init(
            name: String,
            openBackend: @escaping @Sendable () async throws -> any KeyValueBackend,
            now: @escaping @Sendable () async throws -> Date,
            advanceTime: @escaping @Sendable (Date) async throws -> Void,
            survivesReopen: Bool,
            unreachable: Unreachable?
        ) {
            self.name = name
            self.openBackend = openBackend
            self.now = now
            self.advanceTime = advanceTime
            self.survivesReopen = survivesReopen
            self.unreachable = unreachable
        }
    }

    /// The cases of the suite.
    public enum Case: String, CaseIterable, Sendable, CustomStringConvertible {
        case setThenGet
        case getOfMissingKeyIsNil
        case overwriteReplacesTheValue
        case deleteRemovesTheKey
        case deleteOfMissingKeyIsANoOp
        case emptyKeyIsRejected
        case keyWithNULIsRejected
        case emptyNamespaceIsRejected
        case namespacesIsolateOnOneBackend
        case namespacesThatArePrefixesOfEachOtherIsolate
        case rangesAreHalfOpen
        case rangesAreOrderedByUTF8Bytes
        case rangeLimitTakesTheFirstKeys
        case emptyAndInvertedRangesReturnNothing
        case unboundedRangeReturnsEverything
        case prefixScanFindsExactlyThePrefixedKeys
        case prefixScanFindsKeysAboveU00FF
        case keysAndValuesConveniences
        case pastExpiryIsInvisibleToGet
        case pastExpiryIsInvisibleToRangesScansAndCount
        case futureExpiryIsVisibleWithItsExpiration
        case expiryPassingMakesTheKeyInvisible
        case overwriteClearsAPreviousExpiry
        case oneMebibyteValueRoundTrips
        case binaryValuesWithNULRoundTrip
        case emptyValueIsNotAMissingKey
        case stringConveniences
        case unicodeKeysRoundTrip
        case batchSetThenBatchGet
        case batchSetOverwritesAndExpires
        case batchGetSkipsMissingAndExpired
        case countIsPerNamespace
        case hundredConcurrentWritersLoseNothing
        case readersDuringWritesSeeWholeValues
        case dataSurvivesReopening
        case unreachableStorageFailsClearly
        case storesFailAfterShutdown

        public var description: String { rawValue }
    }

    private let harness: Harness

    /// Creates the suite for a backend.
    public init(_ harness: Harness) {
        self.harness = harness
    }

    /// Runs one case; failures are recorded as Swift Testing issues, and unexpected errors are thrown.
    public func run(_ testCase: Case) async throws {
        if testCase == .unreachableStorageFailsClearly {
            try await unreachableStorageFailsClearly()
            return
        }
        let backend = try await harness.openBackend()
        do {
            let context = Context(backend: backend, harness: harness, run: UUID().uuidString.prefix(8).lowercased())
            try await context.run(testCase)
        } catch {
            try? await backend.shutdown()
            throw error
        }
        try? await backend.shutdown()
    }

    private func unreachableStorageFailsClearly() async throws {
        guard let unreachable = harness.unreachable else { return }
        var failure: (any Error)?
        var opened: (any KeyValueBackend)?
        do {
            let backend = try await unreachable.open()
            opened = backend
            let store = try await backend.keyValueStore(namespace: "unreachable")
            _ = try await store.get("k")
        } catch {
            failure = error
        }
        try? await opened?.shutdown()
        // That it fails at all (rather than hanging) is the assertion; how fast is the connect timeout's
        // job and the benchmarks' business, not a test's (timing assertions flake on a loaded machine).
        let error = try #require(failure, "\(harness.name): an unreachable backend must fail")
        let texts = ["\(error)", String(reflecting: error), (error as? StorageError)?.message ?? ""]
        for needle in unreachable.mustMention {
            #expect(texts[0].contains(needle), "\(harness.name): the error '\(texts[0])' must mention \(needle)")
        }
        for secret in unreachable.mustNotMention {
            #expect(!texts.contains { $0.contains(secret) }, "\(harness.name): the error must never contain the secret")
        }
        #expect((error as? StorageError)?.code == .connectionFailed, "\(harness.name): expected connectionFailed, got \(error)")
    }
}
