import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Loads documents from `data:`, `file://` and `http(s)://` URLs, within a size and a time limit.
///
/// Files are read on a dispatch queue (never on Swift's cooperative pool); HTTP goes through `URLSession`
/// (FoundationNetworking on Linux) and is cancelled as soon as the body passes the size limit. An HTTP status other
/// than 2xx, a missing file, a body over the limit and a timeout are all ``MemoryError``s naming the source.
public struct URLDocumentLoader: DocumentSource {
    /// The limits every load obeys.
    public struct Limits: Sendable {
        /// The largest document in bytes. Default 50 MiB.
        public var maximumBytes: Int
        /// The longest a load may take. Default 30 s.
        public var timeout: Duration

        /// Creates limits.
        public init(maximumBytes: Int = 50 << 20, timeout: Duration = .seconds(30)) {
            self.maximumBytes = maximumBytes
            self.timeout = timeout
        }
    }

    /// The limits.
    public let limits: Limits
    /// Whether `file://` URLs are served (turn off when URLs come from untrusted callers).
    public let allowsFiles: Bool

    /// Creates a loader.
    public init(limits: Limits = Limits(), allowsFiles: Bool = true) {
        self.limits = limits
        self.allowsFiles = allowsFiles
    }

    /// The bytes at `uri`; see ``DocumentSource/load(_:)``.
    public func load(_ uri: String) async throws -> LoadedDocument {
        let lowered = uri.lowercased()
        if lowered.hasPrefix("data:") {
            let url = try DataURL(parsing: uri)
            guard url.bytes.count <= limits.maximumBytes else { throw tooLarge(uri, url.bytes.count) }
            return LoadedDocument(source: "data URL", bytes: url.bytes, mimeType: url.mediaType, charset: url.charset)
        }
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased() else {
            throw MemoryError.invalid("url", "'\(uri)' is not a URL")
        }
        switch scheme {
        case "file":
            guard allowsFiles else { throw MemoryError.invalid("url", "file URLs are not allowed here") }
            return try await loadFile(url, source: uri)
        case "http", "https":
            return try await loadHTTP(url, source: uri)
        default:
            throw MemoryError.invalid("url", "unsupported scheme '\(scheme)' in \(uri); expected data, file, http or https")
        }
    }

    private func tooLarge(_ source: String, _ size: Int) -> MemoryError {
        MemoryError(code: .sourceUnavailable, message: "\(source): \(size) bytes exceed the limit of \(limits.maximumBytes) bytes")
    }

    private func loadFile(_ url: URL, source: String) async throws -> LoadedDocument {
        let path = url.path
        let maximum = limits.maximumBytes
        let bytes: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let attributes = try FileManager.default.attributesOfItem(atPath: path)
                    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
                    guard size <= maximum else {
                        continuation.resume(throwing: self.tooLarge(source, size))
                        return
                    }
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw MemoryError(code: .sourceUnavailable, message: "\(source): cannot be read")
                    }
                    continuation.resume(returning: Array(data))
                } catch let error as MemoryError {
                    continuation.resume(throwing: error)
                } catch {
                    continuation.resume(throwing: MemoryError(code: .sourceUnavailable, message: "\(source): \(error.localizedDescription)"))
                }
            }
        }
        return LoadedDocument(source: source, bytes: bytes, mimeType: Self.mimeType(forExtension: url.pathExtension), charset: nil)
    }

    private func loadHTTP(_ url: URL, source: String) async throws -> LoadedDocument {
        let seconds = Double(limits.timeout.components.seconds) + Double(limits.timeout.components.attoseconds) / 1e18
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        let download = LimitedDownload(maximumBytes: limits.maximumBytes)
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: URLRequest(url: url, timeoutInterval: seconds))
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                download.start(task, continuation: continuation)
            }
        } onCancel: {
            task.cancel()
        }
        switch outcome {
        case .finished(let status, let contentType, let bytes):
            guard (200..<300).contains(status) else {
                throw MemoryError(code: .sourceUnavailable, message: "\(source): HTTP status \(status)")
            }
            let (type, charset) = Self.splitContentType(contentType)
            return LoadedDocument(source: source, bytes: bytes, mimeType: type ?? Self.mimeType(forExtension: url.pathExtension), charset: charset)
        case .tooLarge(let size):
            throw tooLarge(source, size)
        case .failed(let message):
            try Task.checkCancellation()
            throw MemoryError(code: .sourceUnavailable, message: "\(source): \(message)")
        }
    }

    /// The media type and charset of a `Content-Type` value.
    static func splitContentType(_ value: String?) -> (String?, String?) {
        guard let value, !value.isEmpty else { return (nil, nil) }
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let type = parts.first?.lowercased()
        let charset = parts.dropFirst().first { $0.lowercased().hasPrefix("charset=") }.map {
            String($0.dropFirst("charset=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return (type, charset)
    }

    /// The media type for common file extensions (`txt`, `md`, `html`, `csv`, `json`, `jsonl`, `xml`, `yaml`, `pdf`;
    /// any letter case), or `nil` for others.
    public static func mimeType(forExtension pathExtension: String) -> String? {
        switch pathExtension.lowercased() {
        case "txt", "text", "log": "text/plain"
        case "md", "markdown": "text/markdown"
        case "html", "htm": "text/html"
        case "csv": "text/csv"
        case "json": "application/json"
        case "jsonl", "ndjson": "application/x-ndjson"
        case "xml": "application/xml"
        case "yaml", "yml": "application/yaml"
        case "pdf": "application/pdf"
        default: nil
        }
    }
}

/// One HTTP download with a size limit: the `URLSession` delegate collects the body and cancels the task once it
/// passes the limit.
final class LimitedDownload: NSObject, URLSessionDataDelegate, Sendable {
    enum Outcome: Sendable {
        case finished(status: Int, contentType: String?, bytes: [UInt8])
        case tooLarge(Int)
        case failed(String)
    }

    private struct State {
        var bytes: [UInt8] = []
        var status = 0
        var contentType: String?
        var tooLarge: Int?
        var continuation: CheckedContinuation<Outcome, Never>?
    }

    private let maximumBytes: Int
    private let state = Mutex(State())

    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    func start(_ task: URLSessionDataTask, continuation: CheckedContinuation<Outcome, Never>) {
        state.withLock { $0.continuation = continuation }
        task.resume()
    }

    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        let declared = response.expectedContentLength
        let tooLarge = declared > Int64(maximumBytes)
        state.withLock {
            $0.status = http?.statusCode ?? 0
            $0.contentType = http?.value(forHTTPHeaderField: "Content-Type")
            if tooLarge { $0.tooLarge = Int(declared) }
        }
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = state.withLock { state -> Bool in
            guard state.tooLarge == nil else { return true }
            state.bytes += data
            if state.bytes.count > maximumBytes {
                state.tooLarge = state.bytes.count
                state.bytes = []
                return true
            }
            return false
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, outcome) = state.withLock { state -> (CheckedContinuation<Outcome, Never>?, Outcome) in
            let outcome: Outcome
            if let size = state.tooLarge {
                outcome = .tooLarge(size)
            } else if let error {
                outcome = .failed(error.localizedDescription)
            } else {
                outcome = .finished(status: state.status, contentType: state.contentType, bytes: state.bytes)
            }
            let continuation = state.continuation
            state.continuation = nil
            return (continuation, outcome)
        }
        continuation?.resume(returning: outcome)
    }
}
