import Foundation

/// An opaque position in a sorted list: the sort values of the last element seen and its id.
///
/// Clients get it as a string (``encoded``: base64url without padding of a small versioned JSON
/// document) and send it back unchanged; ``init(decoding:)`` reads it and rejects anything else
/// with a typed error. The id breaks ties, so elements sharing sort values are neither skipped nor
/// repeated.
public struct CursorToken: Hashable, Sendable {
    /// The token format this library writes and reads.
    public static let version = 1

    /// The sort values of the position, in sort-key order.
    public var sortValues: [CursorValue]
    /// The id of the element at the position (the tie-breaker).
    public var id: String

    /// Creates a position.
    public init(sortValues: [CursorValue], id: String) {
        self.sortValues = sortValues
        self.id = id
    }

    private struct Document: Codable {
        var v: Int
        var k: [CursorValue]
        var id: String
    }

    /// The token as a URL-safe string.
    public var encoded: String {
        let document = Document(v: Self.version, k: sortValues, id: id)
        let data = (try? JSONEncoder().encode(document)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token written by ``encoded``.
    ///
    /// - Throws: ``PaginationError`` ``PaginationError/Code-swift.struct/malformedCursor`` for text
    ///   that is not such a token, or
    ///   ``PaginationError/Code-swift.struct/unsupportedCursorVersion`` for another version.
    public init(decoding token: String) throws(PaginationError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !token.isEmpty, !token.contains("="), base64.count % 4 != 1 else {
            throw PaginationError(code: .malformedCursor, message: "the cursor is not base64url text")
        }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else {
            throw PaginationError(code: .malformedCursor, message: "the cursor is not base64url text")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw PaginationError(code: .malformedCursor, message: "the cursor does not hold a position")
        }
        guard document.v == Self.version else {
            throw PaginationError(
                code: .unsupportedCursorVersion,
                message: "the cursor has version \(document.v); this library reads version \(Self.version)"
            )
        }
        self.init(sortValues: document.k, id: document.id)
    }
}
