import Foundation
package import NIOSSL
package import PostgresNIO
package import StorageRefs

/// How a `kv_postgres` or `sql_postgres` backend protects its connections, derived from the libpq-style `ssl_mode` and
/// `ca_cert_path` settings.
///
/// The mapping, applied before any connection is made:
///
/// | `ssl_mode`            | TLS          | certificate check                                   |
/// |-----------------------|--------------|-----------------------------------------------------|
/// | `nil`, `disable`      | none         | –                                                   |
/// | `allow`, `prefer`     | if offered   | none                                                |
/// | `require`             | required     | none (the connection is encrypted, not authenticated) |
/// | `verify-ca`           | required     | the chain, against `ca_cert_path` (or the system roots); no host name check |
/// | `verify-full`         | required     | the chain and the host name                         |
///
/// When TLS may be used and `ca_cert_path` is set, the file is read at once, so a wrong path fails the open
/// instead of the first verified handshake.
package struct PostgresTLSSettings: Sendable {
    /// Whether TLS is used.
    package enum Mode: Sendable, Hashable {
        /// Plain TCP; TLS is never negotiated.
        case disable
        /// TLS when the server offers it, plain TCP otherwise.
        case prefer
        /// TLS, or the connection fails.
        case require
    }

    /// What is checked of the server's certificate.
    package enum Verification: Sendable, Hashable {
        /// Nothing: any certificate is accepted.
        case none
        /// The certificate chain must lead to a trusted authority; the host name is not checked.
        case certificateChain
        /// The chain and the host name.
        case full
    }

    /// The `ssl_mode` values accepted, in libpq's order.
    package static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// Whether TLS is used.
    package let mode: Mode

    /// What is checked of the server's certificate.
    package let verification: Verification

    /// The CA file whose certificates are trusted, or `nil` for the system's trust roots.
    package let caCertificatePath: String?

    /// The certificates read from ``caCertificatePath``; empty when it is `nil`.
    package let trustedCertificates: [NIOSSLCertificate]

    /// The number of certificates read from ``caCertificatePath``; `0` when it is `nil`.
    package var trustedCertificateCount: Int { self.trustedCertificates.count }

    /// Derives the settings from the configuration's `ssl_mode` and `ca_cert_path`.
    ///
    /// - Parameters:
    ///   - sslMode: `disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`, or `nil` (no TLS).
    ///   - caCertPath: A PEM file of certificate authorities, or `nil`. Ignored when TLS is disabled.
    /// - Throws: ``StorageError`` with code `invalidValue` for an unknown mode, or a CA file that cannot be read
    ///   or holds no PEM certificate (the message names the path).
    package init(sslMode: String?, caCertPath: String?) throws(StorageError) {
        switch sslMode {
        case nil, "disable":
            self.mode = .disable
            self.verification = .none
        case "allow", "prefer":
            self.mode = .prefer
            self.verification = .none
        case "require":
            self.mode = .require
            self.verification = .none
        case "verify-ca":
            self.mode = .require
            self.verification = .certificateChain
        case "verify-full":
            self.mode = .require
            self.verification = .full
        case let other?:
            throw StorageError(
                code: .invalidValue,
                message: "ssl_mode '\(other)' is not a TLS mode; allowed: \(Self.sslModes.joined(separator: ", "))"
            )
        }
        if self.mode == .disable {
            self.caCertificatePath = nil
            self.trustedCertificates = []
        } else if let caCertPath {
            self.caCertificatePath = caCertPath
            self.trustedCertificates = try Self.readCertificates(atPath: caCertPath)
        } else {
            self.caCertificatePath = nil
            self.trustedCertificates = []
        }
    }

    /// The NIOSSL configuration for a TLS handshake, or `nil` when TLS is disabled.
    package var tlsConfiguration: TLSConfiguration? {
        guard self.mode != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch self.verification {
        case .none: configuration.certificateVerification = .none
        case .certificateChain: configuration.certificateVerification = .noHostnameVerification
        case .full: configuration.certificateVerification = .fullVerification
        }
        if !self.trustedCertificates.isEmpty {
            configuration.trustRoots = .certificates(self.trustedCertificates)
        }
        return configuration
    }

    /// The TLS setting of the backend's `PostgresClient` pool.
    package var clientTLS: PostgresClient.Configuration.TLS {
        guard let configuration = self.tlsConfiguration else { return .disable }
        return self.mode == .require ? .require(configuration) : .prefer(configuration)
    }

    /// The TLS setting of a single `PostgresConnection`, used to create the table before the pool starts.
    ///
    /// - Throws: ``StorageError`` with code `invalidValue` when NIOSSL rejects the configuration.
    package func connectionTLS() throws(StorageError) -> PostgresConnection.Configuration.TLS {
        guard let configuration = self.tlsConfiguration else { return .disable }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw StorageError(code: .invalidValue, message: "cannot set up TLS for PostgreSQL", cause: error)
        }
        return self.mode == .require ? .require(context) : .prefer(context)
    }

    private static func readCertificates(atPath path: String) throws(StorageError) -> [NIOSSLCertificate] {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw StorageError(
                code: .invalidValue,
                message: "cannot read the CA certificate file '\(path)' (ca_cert_path)",
                cause: error
            )
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw StorageError(
                code: .invalidValue,
                message: "the CA certificate file '\(path)' (ca_cert_path) is not a PEM certificate file",
                cause: error
            )
        }
        guard !certificates.isEmpty else {
            throw StorageError(
                code: .invalidValue,
                message: "the CA certificate file '\(path)' (ca_cert_path) holds no PEM certificate"
            )
        }
        return certificates
    }
}
