import PostgresNIO
package import StorageRefs

/// Turns postgres-nio errors into ``StorageError``s whose messages name the server and never the password.
///
/// postgres-nio's own descriptions are deliberately generic (`PSQLError(code: connectionError)`), so the message
/// says what failed and where; the original error goes into ``StorageError/cause``.
package struct PostgresErrorMapping: Sendable {
    /// The backend's name in `storage.backends`.
    package let backendName: String
    /// `host:port (database db)`, for messages.
    package let endpoint: String
    /// The user name, for authentication failures.
    package let user: String

    package init(backendName: String, host: String, port: Int, database: String, user: String) {
        self.backendName = backendName
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.endpoint = "\(address) (database '\(database)')"
        self.user = user
    }

    /// Maps a failure to connect (or authenticate) to ``StorageError/Code-swift.struct/connectionFailed``.
    package func connectFailure(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        let prefix = "PostgreSQL backend '\(self.backendName)': "
        guard let psqlError = error as? PSQLError else {
            return StorageError(
                code: .connectionFailed,
                message: prefix + "cannot connect to \(self.endpoint)",
                cause: error
            )
        }
        let message: String
        switch psqlError.code {
        case .server:
            let state = psqlError.serverInfo?[.sqlState] ?? ""
            if state.hasPrefix("28") {
                message = "authentication failed for user '\(self.user)' at \(self.endpoint) (SQLSTATE \(state))"
            } else if state == "3D000" {
                message = "the database does not exist at \(self.endpoint)"
            } else {
                message = "the server at \(self.endpoint) refused the connection (SQLSTATE \(state))"
            }
        case .authMechanismRequiresPassword:
            message = "the server at \(self.endpoint) asks user '\(self.user)' for a password, but none is configured"
        case .unsupportedAuthMechanism, .saslError:
            message = "authentication failed for user '\(self.user)' at \(self.endpoint): unsupported mechanism"
        case .sslUnsupported:
            message = "the server at \(self.endpoint) does not support TLS, which ssl_mode requires"
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            message = "the TLS handshake with \(self.endpoint) failed"
        default:
            message = "cannot connect to \(self.endpoint)"
        }
        return StorageError(code: .connectionFailed, message: prefix + message, cause: psqlError)
    }

    /// Maps a failure of a statement to ``StorageError``.
    ///
    /// Integrity violations (SQLSTATE class 23) become ``StorageError/Code-swift.struct/constraintViolation``,
    /// data exceptions (class 22) ``StorageError/Code-swift.struct/invalidValue``, and a missing table or column
    /// ``StorageError/Code-swift.struct/unknownTable`` / ``StorageError/Code-swift.struct/unknownColumn``.
    ///
    /// Lost or refused connections become ``StorageError/Code-swift.struct/connectionFailed``, a closed pool
    /// ``StorageError/Code-swift.struct/closed``, and every other server error
    /// ``StorageError/Code-swift.struct/backendFailure`` with its SQLSTATE.
    ///
    /// - Parameters:
    ///   - error: What the client threw.
    ///   - operation: What was being done, such as `reading key "a"`; never contains a value.
    package func operationFailure(_ error: any Error, operation: String) -> StorageError {
        if let error = error as? StorageError { return error }
        let prefix = "PostgreSQL backend '\(self.backendName)': "
        guard let psqlError = error as? PSQLError else {
            // postgres-nio's pool reports "could not connect for a long time" with its own error type, from a
            // module we do not import; recognise it by name.
            if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") {
                return StorageError(
                    code: .connectionFailed,
                    message: prefix + "cannot connect to \(self.endpoint) while \(operation)",
                    cause: error
                )
            }
            return StorageError(
                code: .backendFailure,
                message: prefix + "\(operation) failed",
                cause: error
            )
        }
        switch psqlError.code {
        case .server:
            let state = psqlError.serverInfo?[.sqlState] ?? ""
            if state.hasPrefix("23") {
                return StorageError(
                    code: .constraintViolation,
                    message: prefix + "\(operation) violates a constraint (SQLSTATE \(state))",
                    cause: psqlError
                )
            }
            if state == "42P01" {
                return StorageError(
                    code: .unknownTable,
                    message: prefix + "\(operation) names a table that does not exist (SQLSTATE \(state))",
                    cause: psqlError
                )
            }
            if state == "42703" {
                return StorageError(
                    code: .unknownColumn,
                    message: prefix + "\(operation) names a column that does not exist (SQLSTATE \(state))",
                    cause: psqlError
                )
            }
            if state.hasPrefix("22") {
                return StorageError(
                    code: .invalidValue,
                    message: prefix + "\(operation) has a value the server rejects (SQLSTATE \(state))",
                    cause: psqlError
                )
            }
            if state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03" {
                return StorageError(
                    code: .connectionFailed,
                    message: prefix + "lost the connection to \(self.endpoint) while \(operation) (SQLSTATE \(state))",
                    cause: psqlError
                )
            }
            return StorageError(
                code: .backendFailure,
                message: prefix + "the server rejected \(operation) (SQLSTATE \(state))",
                cause: psqlError
            )
        case .poolClosed, .clientClosedConnection:
            return StorageError(
                code: .closed,
                message: prefix + "the backend has been shut down",
                cause: psqlError
            )
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .sslUnsupported, .failedToAddSSLHandler,
            .receivedUnencryptedDataAfterSSLRequest:
            return StorageError(
                code: .connectionFailed,
                message: prefix + "lost the connection to \(self.endpoint) while \(operation)",
                cause: psqlError
            )
        case .queryCancelled:
            return StorageError(code: .backendFailure, message: prefix + "\(operation) was cancelled", cause: psqlError)
        default:
            return StorageError(code: .backendFailure, message: prefix + "\(operation) failed", cause: psqlError)
        }
    }
}
