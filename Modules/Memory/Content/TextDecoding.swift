import Foundation

/// Bytes to text: a declared charset first, then a detected one (strictly), then UTF-8; a typed error when nothing
/// decodes. Never a lossy guess.
///
/// Supported charsets: UTF-8, UTF-16 (LE/BE, BOM), UTF-32 (LE/BE, BOM), US-ASCII, ISO-8859-1 (Latin-1) and
/// Windows-1252, under their common names. Detection: a byte-order mark names its encoding; bytes that are valid
/// UTF-8 are UTF-8; anything else is tried as Windows-1252, where the five bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D are
/// undefined and fail the decode (llama-stack's chardet path would instead decode them leniently, or crash when
/// detection returns nothing).
public enum TextDecoding {
    /// A charset this decoder knows.
    public enum Charset: String, Sendable, CaseIterable {
        case utf8 = "utf-8"
        case utf16LittleEndian = "utf-16le"
        case utf16BigEndian = "utf-16be"
        case utf32LittleEndian = "utf-32le"
        case utf32BigEndian = "utf-32be"
        case ascii = "us-ascii"
        case latin1 = "iso-8859-1"
        case windows1252 = "windows-1252"

        /// The charset a label names (case-insensitive; common aliases such as `utf8`, `latin1`, `cp1252`, `ascii`,
        /// `utf-16` (big-endian without a BOM)), or `nil`.
        public init?(label: String) {
            switch label.lowercased().trimmingCharacters(in: .whitespaces) {
            case "utf-8", "utf8": self = .utf8
            case "utf-16le": self = .utf16LittleEndian
            case "utf-16be", "utf-16", "utf16": self = .utf16BigEndian
            case "utf-32le": self = .utf32LittleEndian
            case "utf-32be", "utf-32", "utf32": self = .utf32BigEndian
            case "us-ascii", "ascii", "us_ascii": self = .ascii
            case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "l1": self = .latin1
            case "windows-1252", "cp1252", "windows1252": self = .windows1252
            default: return nil
            }
        }
    }

    /// The text of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The bytes.
    ///   - declaredCharset: The charset the source declared (a `charset` parameter), or `nil`.
    /// - Throws: ``MemoryError``: ``MemoryError/Code-swift.struct/invalidArgument`` for a declared charset this
    ///   decoder does not know; ``MemoryError/Code-swift.struct/undecodableText`` naming every charset tried when none
    ///   decodes the bytes.
    public static func decode(_ bytes: [UInt8], declaredCharset: String? = nil) throws(MemoryError) -> String {
        var tried: [Charset] = []
        if let declaredCharset {
            guard let charset = Charset(label: declaredCharset) else {
                throw .invalid("charset", "unknown charset '\(declaredCharset)'")
            }
            if let text = decode(bytes, as: charset) { return text }
            tried.append(charset)
        } else {
            let detected = detect(bytes)
            if let text = decode(bytes, as: detected) { return text }
            tried.append(detected)
        }
        if !tried.contains(.utf8), let text = decode(bytes, as: .utf8) { return text }
        if !tried.contains(.utf8) { tried.append(.utf8) }
        throw MemoryError(
            code: .undecodableText,
            message: "\(bytes.count) bytes are not valid text in \(tried.map(\.rawValue).joined(separator: " or "))"
        )
    }

    /// The charset the bytes most likely use (see the type's rules).
    public static func detect(_ bytes: [UInt8]) -> Charset {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return .utf32LittleEndian }
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return .utf32BigEndian }
        if bytes.starts(with: [0xFF, 0xFE]) { return .utf16LittleEndian }
        if bytes.starts(with: [0xFE, 0xFF]) { return .utf16BigEndian }
        if bytes.allSatisfy({ $0 < 0x80 }) { return .ascii }
        if String(validating: bytes, as: UTF8.self) != nil { return .utf8 }
        return .windows1252
    }

    /// `bytes` decoded strictly as `charset` (a leading byte-order mark of that charset is dropped), or `nil`.
    public static func decode(_ bytes: [UInt8], as charset: Charset) -> String? {
        switch charset {
        case .utf8:
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            return String(validating: body, as: UTF8.self)
        case .ascii:
            return bytes.allSatisfy { $0 < 0x80 } ? String(decoding: bytes, as: UTF8.self) : nil
        case .latin1:
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                if (0x80...0x9F).contains(byte) {
                    let value = windows1252High[Int(byte - 0x80)]
                    guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
                    scalars.append(scalar)
                } else {
                    scalars.append(Unicode.Scalar(byte))
                }
            }
            return String(scalars)
        case .utf16LittleEndian, .utf16BigEndian:
            guard bytes.count % 2 == 0 else { return nil }
            let little = charset == .utf16LittleEndian
            var units = stride(from: 0, to: bytes.count, by: 2).map { index in
                little ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            }
            if units.first == 0xFEFF { units.removeFirst() }
            return String(validating: units, as: UTF16.self)
        case .utf32LittleEndian, .utf32BigEndian:
            guard bytes.count % 4 == 0 else { return nil }
            let little = charset == .utf32LittleEndian
            var scalars = String.UnicodeScalarView()
            for index in stride(from: 0, to: bytes.count, by: 4) {
                let b = bytes[index..<index + 4].map(UInt32.init)
                let value = little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
                if index == 0 && value == 0xFEFF { continue }
                guard let scalar = Unicode.Scalar(value) else { return nil }
                scalars.append(scalar)
            }
            return String(scalars)
        }
    }

    /// Windows-1252 bytes 0x80…0x9F; 0 marks the five undefined bytes.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]
}
