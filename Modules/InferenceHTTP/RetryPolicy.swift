/// When and how long a client waits before trying a request again.
///
/// A request is retried when the server answered 408, 409, 429 or any 5xx status, or when the
/// connection failed or closed before a response arrived. A streaming request is retried only until
/// its response head arrives: once chunks have been delivered, a failure ends the stream with an
/// error. The wait before retry `n` (from 1) is the server's `retry-after-ms` or `Retry-After`
/// (seconds or an HTTP date) when present and not above ``maximumRetryAfter``, else
/// `min(maximumBackoff, initialBackoff × 2^(n−1))` scaled by a random factor in `[1 − jitter, 1]`.
public struct RetryPolicy: Hashable, Sendable {
    /// Retries after the first attempt; 0 disables retrying. Default 2 (as OpenAI's SDKs).
    public var maximumRetries: Int
    /// The wait before the first retry, before jitter. Default 0.5 s.
    public var initialBackoff: Duration
    /// The longest computed wait. Default 8 s.
    public var maximumBackoff: Duration
    /// The fraction of each computed wait that is random, in `0...1`. Default 0.25.
    public var jitter: Double
    /// The longest server-requested wait honoured; a longer `Retry-After` falls back to the computed wait. Default 60 s.
    public var maximumRetryAfter: Duration
    /// HTTP statuses that are retried. Default 408, 409, 429, 500, 502, 503, 504 and every other 5xx.
    public var retryableStatuses: Set<Int>

    /// Creates a policy.
    public init(
        maximumRetries: Int = 2,
        initialBackoff: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(8),
        jitter: Double = 0.25,
        maximumRetryAfter: Duration = .seconds(60),
        retryableStatuses: Set<Int> = Set([408, 409, 429]).union(500...599)
    ) {
        self.maximumRetries = maximumRetries
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.jitter = jitter
        self.maximumRetryAfter = maximumRetryAfter
        self.retryableStatuses = retryableStatuses
    }

    /// No retries.
    public static let none = RetryPolicy(maximumRetries: 0)

    /// The computed wait before retry `attempt` (1-based), with `random` in `0...1` choosing the jitter.
    func backoff(attempt: Int, random: Double) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let base = min(seconds(maximumBackoff), seconds(initialBackoff) * pow2(exponent))
        let factor = 1 - jitter * min(1, max(0, random))
        return .nanoseconds(Int64(base * factor * 1e9))
    }

    private func pow2(_ exponent: Double) -> Double {
        exponent >= 62 ? Double(Int64.max) : Double(Int64(1) << Int64(exponent))
    }
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}
