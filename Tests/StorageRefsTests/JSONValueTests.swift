import Foundation
import StorageRefs
import Testing

struct JSONValueTests {
    private func decode(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    private func roundTrip(_ value: JSONValue) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    @Test func largeIntegersAreExact() throws {
        #expect(try decode("9223372036854775807") == .int(.max))
        #expect(try decode("-9223372036854775808") == .int(.min))
        #expect(try decode("9007199254740993") == .int(9_007_199_254_740_993))  // 2^53 + 1
        #expect(try roundTrip(.int(.max)) == .int(.max))
        #expect(try roundTrip(.int(9_007_199_254_740_993)) == .int(9_007_199_254_740_993))
        let text = String(decoding: try JSONEncoder().encode(JSONValue.int(9_007_199_254_740_993)), as: UTF8.self)
        #expect(text == "9007199254740993")
    }

    @Test func numbersBeyondInt64AndFractionsAreDoubles() throws {
        #expect(try decode("1.5") == .double(1.5))
        #expect(try decode("-0.25") == .double(-0.25))
        let huge = try decode("18446744073709551616")
        #expect(huge.intValue == nil)
        #expect(huge.doubleValue == 18_446_744_073_709_551_616.0)
        #expect(try decode("42") == .int(42))
        #expect(try roundTrip(.double(0.1)) == .double(0.1))
    }

    @Test func kindsAreDistinct() throws {
        #expect(try decode("true") == .bool(true))
        #expect(try decode("1") == .int(1))
        #expect(try decode("\"1\"") == .string("1"))
        #expect(try decode("null") == .null)
        #expect(JSONValue.int(1) != .double(1))
        #expect(JSONValue.bool(true) != .int(1))
    }

    @Test func nestedRoundTrip() throws {
        let value: JSONValue = [
            "id": "resp_1",
            "n": 12_345_678_901_234,
            "ratio": 0.75,
            "ok": true,
            "none": nil,
            "list": [1, "two", 3.5, nil, false, ["deep": [[], [:]]]],
            "unicode": "\u{4E00}\u{1F600}",
        ]
        #expect(try roundTrip(value) == value)
        #expect(value["list"]?[5]?["deep"]?[0] == .array([]))
        #expect(value["n"]?.intValue == 12_345_678_901_234)
        #expect(value["ratio"]?.doubleValue == 0.75)
        #expect(value["list"]?[99] == nil)
        #expect(value[0] == nil)
        #expect(JSONValue.string("x")["key"] == nil)
    }

    @Test func nullIsDistinctFromMissing() throws {
        let object = try decode(#"{"present": null}"#)
        #expect(object["present"] == .null)
        #expect(object["present"]?.isNull == true)
        #expect(object["absent"] == nil)
        #expect(try roundTrip(object) == object)
        #expect(try roundTrip(.null) == .null)

        struct Wrapper: Codable, Equatable {
            var value: JSONValue?
        }
        let missing = try JSONDecoder().decode(Wrapper.self, from: Data("{}".utf8))
        #expect(missing.value == nil)
        let explicitNull = try JSONDecoder().decode(Wrapper.self, from: Data(#"{"value": null}"#.utf8))
        // `JSONValue?` decodes an explicit null as nil too; decode `JSONValue` to keep it.
        #expect(explicitNull.value == nil)
        struct Required: Codable, Equatable {
            var value: JSONValue
        }
        #expect(try JSONDecoder().decode(Required.self, from: Data(#"{"value": null}"#.utf8)).value == .null)
    }

    @Test func encodingIsValidJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let value: JSONValue = ["b": [1, 2.5, "x"], "a": nil, "c": true]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(text == #"{"a":null,"b":[1,2.5,"x"],"c":true}"#)
    }

    @Test func nonFiniteDoublesDoNotEncode() {
        #expect(throws: (any Error).self) { try JSONEncoder().encode(JSONValue.double(.nan)) }
    }

    @Test func literals() {
        let value: JSONValue = ["a": 1, "a2": 1.0, "b": "s", "c": [true, nil]]
        #expect(
            value == .object(["a": .int(1), "a2": .double(1), "b": .string("s"), "c": .array([.bool(true), .null])])
        )
        let duplicate: JSONValue = ["k": 1, "k": 2]
        #expect(duplicate["k"] == 2)
    }
}
