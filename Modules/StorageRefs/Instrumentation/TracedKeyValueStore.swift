import _Instrumentation
public import CoreMetrics
public import Foundation
public import Tracing

/// A key-value store whose every operation is traced and measured: a span `<Store>.<operation>` (for example
/// `SQLiteKeyValueStore.get`) with the namespace and the key count or value size — never keys' values — the
/// error recorded and the span's status set on failure, plus a duration timer and an error counter.
///
/// ``StorageCatalog`` hands out its stores wrapped in this; wrap a store you open yourself with
/// ``init(_:namespace:tracer:metricsFactory:)``. With no tracer or metrics backend bootstrapped, spans and
/// metrics are no-ops.
public struct TracedKeyValueStore: KeyValueStore {
    /// The store every call goes to.
    public let base: any KeyValueStore
    /// The namespace reported on spans.
    public let namespace: String?
    private let instrumentation: OperationInstrumentation
    /// Nothing is recorded (no-op tracer and metrics): calls go straight to the base store.
    private let passthrough: Bool

    static let operations = ["get", "set", "delete", "getMany", "setMany", "entries", "count"]

    /// Wraps `base`.
    ///
    /// - Parameters:
    ///   - base: The store.
    ///   - namespace: Reported as `stackkit.namespace`.
    ///   - tracer: The tracer; `nil` uses the bootstrapped one.
    ///   - metricsFactory: The metrics backend; `nil` uses the bootstrapped one.
    public init(_ base: any KeyValueStore, namespace: String? = nil, tracer: (any Tracer)? = nil, metricsFactory: (any MetricsFactory)? = nil) {
        self.base = base
        self.namespace = namespace
        self.instrumentation = OperationInstrumentation(
            component: String(describing: type(of: base)),
            operations: Self.operations,
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        self.passthrough = instrumentation.isIdle
    }

    private func describe(_ attributes: inout SpanAttributes) {
        if let namespace { attributes["stackkit.namespace"] = namespace }
    }

    public func get(_ key: String) async throws -> [UInt8]? {
        if passthrough { return try await base.get(key) }
        return try await instrumentation.run("get", attributes: describe) { span in
            let value = try await base.get(key)
            span.attributes["stackkit.bytes"] = value?.count ?? 0
            return value
        }
    }

    public func set(_ key: String, value: [UInt8], expiration: Date?) async throws {
        if passthrough { return try await base.set(key, value: value, expiration: expiration) }
        try await instrumentation.run("set", attributes: { describe(&$0); $0["stackkit.bytes"] = value.count }) { _ in
            try await base.set(key, value: value, expiration: expiration)
        }
    }

    public func delete(_ key: String) async throws {
        if passthrough { return try await base.delete(key) }
        try await instrumentation.run("delete", attributes: describe) { _ in try await base.delete(key) }
    }

    public func get(_ keys: [String]) async throws -> [String: [UInt8]] {
        if passthrough { return try await base.get(keys) }
        return try await instrumentation.run("getMany", attributes: { describe(&$0); $0["stackkit.count"] = keys.count }) { _ in
            try await base.get(keys)
        }
    }

    public func set(_ entries: [KeyValueEntry]) async throws {
        if passthrough { return try await base.set(entries) }
        try await instrumentation.run("setMany", attributes: { describe(&$0); $0["stackkit.count"] = entries.count }) { _ in
            try await base.set(entries)
        }
    }

    public func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry] {
        if passthrough { return try await base.entries(in: range, limit: limit) }
        return try await instrumentation.run("entries", attributes: describe) { span in
            let entries = try await base.entries(in: range, limit: limit)
            span.attributes["stackkit.count"] = entries.count
            return entries
        }
    }

    public func count() async throws -> Int {
        if passthrough { return try await base.count() }
        return try await instrumentation.run("count", attributes: describe) { _ in try await base.count() }
    }
}
