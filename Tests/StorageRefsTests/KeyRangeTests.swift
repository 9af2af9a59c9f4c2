import StorageRefs
import Testing

struct KeyRangeTests {
    @Test func halfOpenRangeContainsStartButNotEnd() {
        let range = KeyRange(from: "b", to: "d")
        #expect(range.contains("b"))
        #expect(range.contains("c"))
        #expect(range.contains("czzz"))
        #expect(!range.contains("d"))
        #expect(!range.contains("a"))
        #expect(!range.contains("d0"))
        #expect(range.prefix == nil)
        #expect(range.lowerBound == "b")
        #expect(range.upperBound == Array("d".utf8))
    }

    @Test func prefixContainsKeysWithCharactersAboveU00FF() {
        let range = KeyRange.prefix("a")
        #expect(range.prefix == "a")
        #expect(range.upperBound == [UInt8(ascii: "b")])
        #expect(range.contains("a"))
        #expect(range.contains("a\u{4E00}"))
        #expect(range.contains("a\u{1F600}"))
        #expect(range.contains("a\u{FF}"))
        #expect(!range.contains("b"))
        #expect(!range.contains("`"))

        // llama-stack's bound, prefix + "\u{FF}", misses "a\u{4E00}".
        let oldTrick = KeyRange(from: "a", to: "a\u{FF}")
        #expect(!oldTrick.contains("a\u{4E00}"))
    }

    @Test func prefixOfMultibyteCharacter() {
        let range = KeyRange.prefix("\u{4E00}")
        #expect(range.contains("\u{4E00}"))
        #expect(range.contains("\u{4E00}x"))
        #expect(!range.contains("\u{4E01}"))
        #expect(!range.contains("\u{4DFF}"))
        for key in ["\u{4E00}", "\u{4E00}\u{10FFFF}", "\u{4E01}", "a", "\u{4DFF}z"] {
            #expect(range.contains(key) == key.utf8.starts(with: "\u{4E00}".utf8))
        }
    }

    @Test func emptyPrefixIsEverything() {
        let range = KeyRange.prefix("")
        #expect(range.upperBound == nil)
        #expect(range.prefix == "")
        #expect(range.contains(""))
        #expect(range.contains("\u{10FFFF}"))
        #expect(!range.isEmpty)
    }

    @Test func allAndFrom() {
        #expect(KeyRange.all.contains("anything"))
        #expect(KeyRange.all.upperBound == nil)
        #expect(!KeyRange.all.isEmpty)
        let from = KeyRange.from("m")
        #expect(from.contains("m"))
        #expect(from.contains("\u{10FFFF}"))
        #expect(!from.contains("l"))
    }

    @Test func isEmptyWhenUpperIsNotAfterLower() {
        #expect(KeyRange(from: "b", to: "b").isEmpty)
        #expect(KeyRange(from: "b", to: "a").isEmpty)
        #expect(!KeyRange(from: "b", to: "b\u{0}").isEmpty)
        #expect(!KeyRange(from: "a", to: "b").isEmpty)
        #expect(!KeyRange(from: "b", to: "b").contains("b"))
    }

    @Test func orderIsUTF8Bytes() {
        // U+FFFD (EF BF BD) precedes U+1F600 (F0 9F 98 80) in UTF-8, but not in UTF-16 code units
        // (D83D DE00 < FFFD), the order NSString and JavaScript use.
        #expect(KeyRange.utf8Precedes("\u{FFFD}", "\u{1F600}"))
        #expect(!KeyRange.utf8Precedes("\u{1F600}", "\u{FFFD}"))
        #expect("\u{1F600}".utf16.lexicographicallyPrecedes("\u{FFFD}".utf16))
        #expect(KeyRange(from: "\u{FFFD}", to: "\u{1F601}").contains("\u{1F600}"))
        #expect(!KeyRange(from: "\u{1F600}", to: "\u{1F601}").contains("\u{FFFD}"))
    }

    @Test func orderDiffersFromSwiftStringComparison() {
        // Canonically equivalent strings are equal as Swift Strings but distinct keys.
        let decomposed = "e\u{301}"
        let precomposed = "\u{E9}"
        #expect(decomposed == precomposed)
        #expect(KeyRange.utf8Precedes(decomposed, precomposed))
        #expect(!KeyRange.prefix(precomposed).contains(decomposed))

        // And String's order can disagree with the byte order.
        let first = "e\u{301}x"
        let second = "\u{E9}a"
        #expect(second < first)
        #expect(KeyRange.utf8Precedes(first, second))

        let sorted = ["b", "\u{E9}a", "e\u{301}x", "a"].sorted(by: KeyRange.utf8Precedes)
        #expect(
            sorted.map { Array($0.utf8) } == [
                Array("a".utf8), Array("b".utf8), Array("e\u{301}x".utf8), Array("\u{E9}a".utf8),
            ]
        )
    }

    @Test func compareUTF8() {
        #expect(KeyRange.compareUTF8("a".utf8, "a".utf8) == 0)
        #expect(KeyRange.compareUTF8("a".utf8, "ab".utf8) < 0)
        #expect(KeyRange.compareUTF8("b".utf8, "ab".utf8) > 0)
        #expect(KeyRange.compareUTF8([0xEF], [0xF0]) < 0)
        #expect(KeyRange.compareUTF8([UInt8](), [UInt8]()) == 0)
    }
}

struct KeyRangeUpperBoundKeyTests {
    @Test(arguments: [
        ("a", "b"), ("ab", "ac"), ("a\u{D7FF}", "a\u{E000}"), ("x\u{10FFFF}", "y"), ("日本", "日\u{672D}"), ("é", "ê"),
    ])
    func prefixSuccessorIsAValidString(_ prefix: String, _ expected: String) {
        #expect(KeyRange.prefix(prefix).upperBoundKey == expected)
    }

    @Test func allMaximalScalarsHaveNoUpperBound() {
        let range = KeyRange.prefix("\u{10FFFF}\u{10FFFF}")
        #expect(range.upperBoundKey == nil)
        #expect(range.upperBound == nil)
        #expect(range.contains("\u{10FFFF}\u{10FFFF}tail"))
    }

    @Test func stringBoundAndByteBoundAgree() {
        let keys = ["a", "a\u{FF}", "a\u{4E00}", "a\u{1F600}", "a\u{10FFFF}", "b", "`", "aa", "\u{E9}", "e\u{301}"]
        for prefix in ["a", "e", "\u{E9}", "a\u{10FFFF}"] {
            let range = KeyRange.prefix(prefix)
            for key in keys {
                let byBytes = range.contains(key)
                let byString = !KeyRange.utf8Precedes(key, range.lowerBound)
                    && (range.upperBoundKey.map { KeyRange.utf8Precedes(key, $0) } ?? true)
                #expect(byBytes == byString, "prefix \(prefix) key \(key)")
                #expect(byBytes == key.utf8.starts(with: prefix.utf8), "prefix \(prefix) key \(key)")
            }
        }
    }

    @Test func halfOpenRangeKeepsItsEndAsTheStringBound() {
        #expect(KeyRange(from: "a", to: "m").upperBoundKey == "m")
        #expect(KeyRange.all.upperBoundKey == nil)
        #expect(KeyRange.from("k").upperBoundKey == nil)
    }
}
