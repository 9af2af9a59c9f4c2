import Foundation
import Pagination
import Testing

/// A small seeded generator (SplitMix64) so a failing property case replays from its seed.
struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct Item: Hashable {
    var id: String
    var created: Int64
    var score: Double?
}

@Suite
struct OffsetPageTests {
    @Test("llama-stack's paginate_records cases")
    func paginateRecords() throws {
        let records = Array(0..<10)
        #expect(try records.page() == OffsetPage(data: records, hasMore: false))
        #expect(try records.page(startIndex: 0, limit: 3) == OffsetPage(data: [0, 1, 2], hasMore: true))
        #expect(try records.page(startIndex: 7, limit: 3) == OffsetPage(data: [7, 8, 9], hasMore: false))
        #expect(try records.page(startIndex: 8, limit: 3) == OffsetPage(data: [8, 9], hasMore: false))
        #expect(try records.page(startIndex: 4, limit: -1) == OffsetPage(data: [4, 5, 6, 7, 8, 9], hasMore: false))
        #expect(try records.page(startIndex: 20, limit: 5) == OffsetPage(data: [], hasMore: false))
        #expect(try [Int]().page(limit: 5) == OffsetPage(data: [], hasMore: false))
    }

    @Test("bad arguments are typed errors naming the argument")
    func badArguments() {
        for (start, limit, word) in [(-1, 3, "start_index"), (0, 0, "limit"), (0, -2, "limit")] {
            do {
                _ = try [1, 2, 3].page(startIndex: start, limit: limit)
                Issue.record("start \(start), limit \(limit) must throw")
            } catch {
                #expect(error.code == .invalidArgument && error.message.contains(word))
            }
        }
    }

    @Test("walking by offset visits every element once, for random sizes and limits")
    func offsetWalk() throws {
        var rng = Generator(state: UInt64.random(in: 1...UInt64.max))
        let seed = rng.state
        for _ in 0..<200 {
            let list = Array(0..<Int.random(in: 0...60, using: &rng))
            let limit = Int.random(in: 1...9, using: &rng)
            var seen: [Int] = []
            var start = 0
            while true {
                let page = try list.page(startIndex: start, limit: limit)
                seen += page.data
                start += page.data.count
                if !page.hasMore { break }
            }
            #expect(seen == list, "seed \(seed)")
        }
    }
}

@Suite
struct CursorPageTests {
    static func items(_ rng: inout Generator) -> [Item] {
        (0..<Int.random(in: 0...80, using: &rng)).map { index in
            Item(
                id: "item-\(Int.random(in: 0...9, using: &rng))-\(index)",
                created: Int64.random(in: 0...6, using: &rng),  // many ties
                score: Bool.random(using: &rng) ? Double(Int.random(in: 0...3, using: &rng)) : nil
            )
        }
    }

    static func key(_ item: Item) -> [CursorValue] {
        [.integer(item.created), item.score.map(CursorValue.float) ?? .null]
    }

    @Test("walking by cursor visits every element once, in order, through encoded tokens (300 random lists)")
    func cursorWalk() throws {
        var rng = Generator(state: UInt64.random(in: 1...UInt64.max))
        let seed = rng.state
        for _ in 0..<300 {
            let items = Self.items(&rng).shuffled(using: &rng)
            let order: CursorOrder = Bool.random(using: &rng) ? .ascending : .descending
            let limit = Int.random(in: 1...9, using: &rng)
            var seen: [Item] = []
            var cursor: CursorToken?
            var pages = 0
            repeat {
                let page = try items.cursorPage(sortKey: Self.key, id: \.id, order: order, after: cursor, limit: limit)
                if page.hasMore { #expect(page.data.count == limit, "seed \(seed): a page with more is full") }
                #expect(page.firstID == (page.data.first?.id ?? "") && page.lastID == (page.data.last?.id ?? ""))
                seen += page.data
                // The token travels as text, as it would through an API.
                cursor = try page.nextCursor.map { try CursorToken(decoding: $0.encoded) }
                pages += 1
            } while cursor != nil && pages < 200
            #expect(Set(seen.map(\.id)) == Set(items.map(\.id)) && seen.count == items.count, "seed \(seed): each once")
            let expected = items.sorted { a, b in
                let (x, y) = order == .ascending ? (a, b) : (b, a)
                if x.created != y.created { return x.created < y.created }
                if x.score != y.score { return (x.score ?? -.infinity) < (y.score ?? -.infinity) }
                return x.id.utf8.lexicographicallyPrecedes(y.id.utf8)
            }
            #expect(seen == expected, "seed \(seed): in order")
        }
    }

    @Test("a cursor stays valid after its element is removed")
    func cursorAfterRemoval() throws {
        let items = (0..<10).map { Item(id: "i\($0)", created: Int64($0 / 3), score: nil) }
        let first = try items.cursorPage(sortKey: Self.key, id: \.id, after: nil, limit: 4)
        let remaining = items.filter { $0.id != first.lastID }
        let second = try remaining.cursorPage(sortKey: Self.key, id: \.id, after: first.nextCursor, limit: 10)
        #expect(second.data.map(\.id) == ["i4", "i5", "i6", "i7", "i8", "i9"])
    }

    @Test("tokens round-trip and malformed tokens are typed errors")
    func tokens() throws {
        let token = CursorToken(sortValues: [.string("é/+"), .integer(Int64.max), .float(1.0), .boolean(true), .null], id: "x")
        #expect(!token.encoded.contains("=") && !token.encoded.contains("+") && !token.encoded.contains("/"))
        #expect(try CursorToken(decoding: token.encoded) == token)
        #expect(try CursorToken(decoding: CursorToken(sortValues: [.float(1)], id: "a").encoded).sortValues == [.float(1)])
        let notJSON = Data("hello".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let otherVersion = Data(#"{"v":2,"k":[],"id":"a"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        for (text, code) in [
            ("", PaginationError.Code.malformedCursor), ("***", .malformedCursor), ("abc=", .malformedCursor),
            (notJSON, .malformedCursor), (otherVersion, .unsupportedCursorVersion),
        ] {
            do {
                _ = try CursorToken(decoding: text)
                Issue.record("\(text.debugDescription) must not decode")
            } catch {
                #expect(error.code == code, "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test("a cursor that does not fit the sort key, and a bad limit, are typed errors")
    func mismatched() {
        let items = [Item(id: "a", created: 1, score: nil)]
        for cursor in [CursorToken(sortValues: [.string("x"), .null], id: "a"), CursorToken(sortValues: [.integer(1)], id: "a")] {
            do {
                _ = try items.cursorPage(sortKey: Self.key, id: \.id, after: cursor, limit: 5)
                Issue.record("a mismatched cursor must throw")
            } catch {
                #expect(error.code == .mismatchedCursor)
            }
        }
        #expect(throws: PaginationError.self) { try items.cursorPage(sortKey: Self.key, id: \.id, limit: 0) }
    }
}
