import Foundation

/// A `data:` URL (RFC 2397): a media type with parameters, and bytes given in base64 or percent-encoded.
public struct DataURL: Hashable, Sendable {
    /// The media type, lowercased (`text/plain` when the URL gives none).
    public var mediaType: String
    /// The media type's parameters by lowercase name (`charset`, …); `charset` is `US-ASCII` when the URL gives no
    /// media type at all, as RFC 2397 says.
    public var parameters: [String: String]
    /// Whether the data was base64.
    public var isBase64: Bool
    /// The decoded bytes.
    public var bytes: [UInt8]

    /// The `charset` parameter, if any.
    public var charset: String? { parameters["charset"] }

    /// Parses a data URL.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidDataURL`` saying what is wrong: not a
    ///   `data:` URL, no comma, an invalid percent escape, or invalid base64.
    public init(parsing text: String) throws(MemoryError) {
        guard text.count >= 5, text.prefix(5).lowercased() == "data:" else {
            throw MemoryError(code: .invalidDataURL, message: "not a data: URL")
        }
        let rest = text.dropFirst(5)
        guard let comma = rest.firstIndex(of: ",") else {
            throw MemoryError(code: .invalidDataURL, message: "data URL without ',' before its data")
        }
        var header = rest[..<comma].split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        isBase64 = header.count > 1 && header.last?.lowercased() == "base64"
        if isBase64 { header.removeLast() }
        let type = header.first ?? ""
        if type.isEmpty {
            mediaType = "text/plain"
            parameters = header.count > 1 ? [:] : ["charset": "US-ASCII"]
        } else {
            guard type.contains("/") else {
                throw MemoryError(code: .invalidDataURL, message: "media type '\(type)' is not type/subtype")
            }
            mediaType = type.lowercased()
            parameters = [:]
        }
        for parameter in header.dropFirst() {
            let pieces = parameter.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2 else {
                throw MemoryError(code: .invalidDataURL, message: "media type parameter '\(parameter)' is not name=value")
            }
            var value = String(pieces[1])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            parameters[pieces[0].lowercased()] = value.removingPercentEncoding ?? value
        }
        let payload = try Self.percentDecoded(rest[rest.index(after: comma)...])
        if isBase64 {
            let compact = payload.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: String(decoding: compact, as: UTF8.self)) else {
                throw MemoryError(code: .invalidDataURL, message: "the data is not valid base64")
            }
            bytes = Array(data)
        } else {
            bytes = payload
        }
    }

    /// A data URL of `bytes` in base64.
    public static func encode(_ bytes: [UInt8], mediaType: String) -> String {
        "data:\(mediaType);base64," + Data(bytes).base64EncodedString()
    }

    private static func percentDecoded(_ text: Substring) throws(MemoryError) -> [UInt8] {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%") {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) else {
                    throw MemoryError(code: .invalidDataURL, message: "invalid percent escape at offset \(index) of the data")
                }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
