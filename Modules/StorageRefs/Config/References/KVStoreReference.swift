/// A reference to a key-value store: a `kv_*` backend and the namespace that isolates this store's keys.
///
/// Written in YAML as `{ backend: kv_default, namespace: registry }`. Stores on one backend share its connection
/// pool but never see each other's keys.
public struct KVStoreReference: Sendable, Hashable {
    /// Name of a `kv_*` backend in `storage.backends`.
    public var backend: String
    /// Non-empty namespace for this store's keys.
    public var namespace: String

    /// Creates a reference.
    public init(backend: String, namespace: String) {
        self.backend = backend
        self.namespace = namespace
    }
}
