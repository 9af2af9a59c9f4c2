public import StorageRefs

extension PostgresKeyValueDriver {
    /// Advanced settings of the backends a ``PostgresKeyValueDriver`` opens.
    ///
    /// The defaults suit production; tests inject a ``StorageRefs/ManualWallClock`` to move time.
    public struct Options: Sendable {
        /// How long to wait for a TCP connection to the server. Default 5 seconds.
        ///
        /// Opening a backend fails with ``StorageRefs/StorageError/Code-swift.struct/connectionFailed`` when the
        /// server cannot be reached in this time. Must be positive.
        public var connectTimeout: Duration

        /// The most connections one backend keeps open. Default 20; at least 1.
        public var maximumConnections: Int

        /// Where "now" comes from when deciding which keys have expired. Default ``StorageRefs/SystemWallClock``.
        ///
        /// The instant is bound as a parameter of every read, so the database server's own clock plays no part.
        public var clock: any WallClock

        /// The reclaim interval: how many writes (single or batch `set`s, across all namespaces of a backend)
        /// pass between two background deletions of the table's expired rows. Default 1,000; `0` turns the
        /// automatic deletion off (``PostgresKeyValueBackend/reclaimExpired()`` still works).
        public var writesBetweenReclaims: Int

        /// Creates options.
        ///
        /// - Parameters:
        ///   - connectTimeout: The TCP connect timeout; default 5 seconds.
        ///   - maximumConnections: The pool's size limit; default 20.
        ///   - clock: The source of "now" for expiry; default the system clock.
        ///   - writesBetweenReclaims: Writes between deletions of expired rows; default 1,000, `0` for never.
        public init(
            connectTimeout: Duration = .seconds(5),
            maximumConnections: Int = 20,
            clock: any WallClock = SystemWallClock(),
            writesBetweenReclaims: Int = 1_000
        ) {
            self.connectTimeout = connectTimeout
            self.maximumConnections = maximumConnections
            self.clock = clock
            self.writesBetweenReclaims = writesBetweenReclaims
        }
    }
}
