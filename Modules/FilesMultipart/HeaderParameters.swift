import Foundation

/// Parameters of a header value such as `form-data; name="file"; filename="a.txt"` or
/// `multipart/form-data; boundary=xyz`: quoted strings with backslash escapes, and RFC 5987 `filename*=UTF-8''…`.
enum HeaderParameters {
    /// The value before the first `;`, and the parameters by lowercase name (the first of each name wins).
    static func parse(_ value: String) -> (String, [String: String]) {
        var segments: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && inQuotes {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                current.append(character)
            } else if character == ";" && !inQuotes {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        let head = segments[0].trimmingCharacters(in: .whitespaces)
        var parameters: [String: String] = [:]
        for segment in segments.dropFirst() {
            guard let equals = segment.firstIndex(of: "=") else { continue }
            let key = segment[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var raw = segment[segment.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if key.hasSuffix("*") {
                // RFC 5987: charset'language'percent-encoded; only UTF-8 is accepted.
                let pieces = raw.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                guard pieces.count == 3, pieces[0].lowercased() == "utf-8", let decoded = String(pieces[2]).removingPercentEncoding else { continue }
                raw = decoded
            } else if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") {
                raw = Self.unquote(String(raw.dropFirst().dropLast()))
            }
            if parameters[key] == nil { parameters[key] = raw }
        }
        return (head, parameters)
    }

    private static func unquote(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
