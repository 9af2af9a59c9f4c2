import Testing

@testable import StorageRefs

/// The canonical JSON text of JSON columns: stable byte for byte (stored text is compared in SQL), and
/// parsed back to the same value.
@Suite
struct JSONColumnTextTests {
    @Test("canonical text: sorted keys, no spaces, escapes, integers apart from doubles")
    func canonicalText() throws {
        let value: JSONValue = [
            "b": [1, .double(1), 2.5, -0.0, .int(Int64.min)],
            "a": ["q\"\\/\n\r\t\u{01}\u{1F}é🙂", nil, true, false],
            "é": [:],
            "Z": [],
        ]
        let text = try JSONColumnText.encode(value, column: "j")
        #expect(
            text
                == #"{"Z":[],"a":["q\"\\/\n\r\t\u0001\u001fé🙂",null,true,false],"b":[1,1.0,2.5,-0.0,-9223372036854775808],"é":{}}"#
        )
        #expect(try JSONColumnText.decode(text, column: "j") == value)
    }

    @Test("decoding accepts escapes, surrogate pairs and whitespace, and rejects malformed text")
    func decoding() throws {
        let decoded = try JSONColumnText.decode(#" { "k" : [ "\u00e9\ud83d\ude42\/" , 1e3 , -2 ] } "#, column: "j")
        #expect(decoded == ["k": ["é🙂/", .double(1000), -2]])
        for malformed in ["", "{", #"{"a"}"#, "[1,]", #""abc"#, "nul", "tru", "fals", "1 2", "[1] x", #""\x""#] {
            #expect(throws: StorageError.self, "\(malformed.debugDescription)") {
                try JSONColumnText.decode(malformed, column: "j")
            }
        }
    }

    @Test("long strings with and without escapes round-trip")
    func longStrings() throws {
        let plain = String(repeating: "keyset page ", count: 200)
        let escaped = String(repeating: "line \"one\"\n\\", count: 100)
        for text in [plain, escaped] {
            let encoded = try JSONColumnText.encode(.string(text), column: "j")
            #expect(try JSONColumnText.decode(encoded, column: "j") == .string(text))
        }
    }
}
