import Foundation
import KVStorePostgres
import StorageRefs
import Testing
import _PostgresSupport

/// The `ssl_mode` / `ca_cert_path` mapping; no server needed.
struct PostgresTLSSettingsTests {
    /// A self-signed CA certificate (P-256, "StackKit Test CA"), used only as a file to trust.
    static let caCertificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBjjCCATOgAwIBAgIUUMrGmkmfxF8plu/VbbhPxUunDy4wCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQU3RhY2tLaXQgVGVzdCBDQTAgFw0yNjExMjYxMzA4MzhaGA8y
        MTI2MTEwMjEzMDgzOFowGzEZMBcGA1UEAwwQU3RhY2tLaXQgVGVzdCBDQTBZMBMG
        ByqGSM49AgEGCCqGSM49AwEHA0IABEbeWmRfyZDrvNKMQvvmycHjiDkIEqNN6ymq
        WoHxWk0YLILqPpR9cuN4IdWuz8tElswyrO3pCeCkxZKrHDClfBKjUzBRMB0GA1Ud
        DgQWBBRZYvBfLbMIFeguTjEX4tTGsoUOqzAfBgNVHSMEGDAWgBRZYvBfLbMIFegu
        TjEX4tTGsoUOqzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCj
        nX9VbfFz5GfpMXJxHr0ZxTao/e9fJFFXWH2IqZwUvQIhAMCErVupUbkTEUk9qzgH
        MTo1tz+QQ8Dc25XYZdbGX1SF
        -----END CERTIFICATE-----

        """

    /// Writes `contents` to a file in a fresh temporary directory and returns its path.
    private func temporaryFile(_ contents: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stackkit-pg-tls-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("ca.pem")
        try Data(contents.utf8).write(to: file)
        return file.path
    }

    @Test(
        arguments: [
            (nil, PostgresTLSSettings.Mode.disable, PostgresTLSSettings.Verification.none),
            ("disable", .disable, .none),
            ("allow", .prefer, .none),
            ("prefer", .prefer, .none),
            ("require", .require, .none),
            ("verify-ca", .require, .certificateChain),
            ("verify-full", .require, .full),
        ] as [(String?, PostgresTLSSettings.Mode, PostgresTLSSettings.Verification)]
    )
    func sslModeMapsToTLSModeAndVerification(
        sslMode: String?,
        mode: PostgresTLSSettings.Mode,
        verification: PostgresTLSSettings.Verification
    ) throws {
        let settings = try PostgresTLSSettings(sslMode: sslMode, caCertPath: nil)
        #expect(settings.mode == mode)
        #expect(settings.verification == verification)
        #expect(settings.caCertificatePath == nil)
        #expect(settings.trustedCertificateCount == 0)
    }

    @Test func unknownSSLModeIsInvalidValue() {
        let error = #expect(throws: StorageError.self) {
            try PostgresTLSSettings(sslMode: "sometimes", caCertPath: nil)
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains("'sometimes'") == true)
        #expect(error?.message.contains("verify-full") == true, "lists the allowed modes")
    }

    @Test(arguments: ["verify-ca", "verify-full"])
    func verifyingModesTrustTheCAFile(sslMode: String) throws {
        let path = try temporaryFile(Self.caCertificatePEM)
        let settings = try PostgresTLSSettings(sslMode: sslMode, caCertPath: path)
        #expect(settings.mode == .require)
        #expect(settings.caCertificatePath == path)
        #expect(settings.trustedCertificateCount == 1)
    }

    @Test func unreadableCAFileIsInvalidValueNamingThePath() {
        let path = "/nonexistent-\(UUID().uuidString)/ca.pem"
        let error = #expect(throws: StorageError.self) {
            try PostgresTLSSettings(sslMode: "verify-full", caCertPath: path)
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains(path) == true, "\(String(describing: error))")
    }

    @Test func caFileWithoutACertificateIsInvalidValueNamingThePath() throws {
        let path = try temporaryFile("not a certificate\n")
        let error = #expect(throws: StorageError.self) {
            try PostgresTLSSettings(sslMode: "verify-ca", caCertPath: path)
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains(path) == true, "\(String(describing: error))")
    }

    @Test func disabledTLSIgnoresTheCAFile() throws {
        let settings = try PostgresTLSSettings(sslMode: "disable", caCertPath: "/nonexistent/ca.pem")
        #expect(settings.mode == .disable)
        #expect(settings.caCertificatePath == nil)
    }
}
