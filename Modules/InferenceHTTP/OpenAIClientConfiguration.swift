import Foundation

/// How an ``OpenAIClient`` reaches its server.
public struct OpenAIClientConfiguration: Sendable {
    /// The API root, such as `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`; endpoint paths
    /// (`/chat/completions`, …) are appended to it.
    public var baseURL: String
    /// The key sent as `Authorization: Bearer …`; `nil` sends none (a local server without keys).
    public var apiKey: APIKey?
    /// Headers added to every request (organisation, project, a gateway's routing header, …), after the
    /// client's own; `Authorization` here is refused (use ``apiKey``).
    public var extraHeaders: [(name: String, value: String)]
    /// The longest wait for a connection. Default 10 s.
    public var connectTimeout: Duration
    /// The longest silence between two reads of a response (an idle timeout). Default 120 s.
    public var readTimeout: Duration
    /// The longest a whole non-streaming request may take, retries excluded. Default 600 s.
    public var requestTimeout: Duration
    /// The longest a whole streamed response may take. Default 3,600 s.
    public var streamTimeout: Duration
    /// When to retry.
    public var retry: RetryPolicy
    /// The largest non-streaming response body accepted. Default 64 MiB.
    public var maximumResponseBytes: Int

    /// Creates a configuration.
    public init(
        baseURL: String,
        apiKey: APIKey? = nil,
        extraHeaders: [(name: String, value: String)] = [],
        connectTimeout: Duration = .seconds(10),
        readTimeout: Duration = .seconds(120),
        requestTimeout: Duration = .seconds(600),
        streamTimeout: Duration = .seconds(3600),
        retry: RetryPolicy = RetryPolicy(),
        maximumResponseBytes: Int = 64 << 20
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.extraHeaders = extraHeaders
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.requestTimeout = requestTimeout
        self.streamTimeout = streamTimeout
        self.retry = retry
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// The base URL without a trailing `/`, after checking every setting.
    func validated() throws(InferenceClientError) -> String {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .configuration("baseURL", "expected an http or https URL, found '\(baseURL)'")
        }
        guard let host = url.host, !host.isEmpty else {
            throw .configuration("baseURL", "the URL '\(baseURL)' has no host")
        }
        if url.query != nil || url.fragment != nil {
            throw .configuration("baseURL", "the URL must not have a query or fragment")
        }
        if let key = apiKey?.secret, key.isEmpty || key.contains(where: { $0.isNewline }) {
            throw .configuration("apiKey", "the key is empty or contains a line break")
        }
        for header in extraHeaders {
            if header.name.lowercased() == "authorization" {
                throw .configuration("extraHeaders", "set the key with apiKey, not an Authorization header")
            }
            if header.name.isEmpty || header.name.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0))) }) {
                throw .configuration("extraHeaders", "'\(header.name)' is not a valid header name")
            }
            if header.value.contains(where: { $0.isNewline }) {
                throw .configuration("extraHeaders[\(header.name)]", "the value contains a line break")
            }
        }
        for (name, duration) in [("connectTimeout", connectTimeout), ("readTimeout", readTimeout), ("requestTimeout", requestTimeout), ("streamTimeout", streamTimeout)] {
            if duration <= .zero { throw .configuration(name, "must be positive") }
        }
        if retry.maximumRetries < 0 { throw .configuration("retry.maximumRetries", "must not be negative") }
        if !(0...1).contains(retry.jitter) { throw .configuration("retry.jitter", "must be in 0...1") }
        if retry.initialBackoff < .zero || retry.maximumBackoff < .zero {
            throw .configuration("retry.initialBackoff", "backoffs must not be negative")
        }
        if maximumResponseBytes <= 0 { throw .configuration("maximumResponseBytes", "must be positive") }
        var text = baseURL
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
