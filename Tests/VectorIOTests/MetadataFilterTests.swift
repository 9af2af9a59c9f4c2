import StorageRefs
import Testing
import VectorIO

@Suite("Metadata filters")
struct MetadataFilterTests {
    let metadata: [String: JSONValue] = ["lang": "en", "year": 2021, "score": 0.5, "draft": false, "tags": ["a", "b"]]

    @Test("comparisons")
    func comparisons() {
        #expect(MetadataFilter.compare(key: "lang", .equal, "en").matches(metadata))
        #expect(MetadataFilter.compare(key: "year", .equal, 2021.0).matches(metadata))
        #expect(!MetadataFilter.compare(key: "lang", .notEqual, "en").matches(metadata))
        #expect(MetadataFilter.compare(key: "year", .greater, 2020).matches(metadata))
        #expect(MetadataFilter.compare(key: "year", .greaterOrEqual, 2021).matches(metadata))
        #expect(!MetadataFilter.compare(key: "year", .less, 2021).matches(metadata))
        #expect(MetadataFilter.compare(key: "score", .lessOrEqual, 0.5).matches(metadata))
        #expect(MetadataFilter.compare(key: "lang", .less, "fr").matches(metadata))
        #expect(!MetadataFilter.compare(key: "lang", .greater, 1).matches(metadata))
        #expect(MetadataFilter.compare(key: "lang", .in, ["de", "en"]).matches(metadata))
        #expect(!MetadataFilter.compare(key: "lang", .notIn, ["de", "en"]).matches(metadata))
        #expect(MetadataFilter.compare(key: "draft", .equal, false).matches(metadata))
    }

    @Test("a missing key satisfies only ne and nin")
    func missingKey() {
        for comparison in MetadataFilter.Comparison.allCases {
            let value: JSONValue = comparison == .in || comparison == .notIn ? ["x"] : "x"
            let expected = comparison == .notEqual || comparison == .notIn
            #expect(MetadataFilter.compare(key: "absent", comparison, value).matches(metadata) == expected, "\(comparison)")
        }
    }

    @Test("and / or trees, empty and matches all, empty or matches none")
    func compound() {
        let filter = MetadataFilter.and([.equal("lang", "en"), .or([.compare(key: "year", .less, 2000), .equal("draft", false)])])
        #expect(filter.matches(metadata))
        #expect(!MetadataFilter.and([.equal("lang", "en"), .equal("draft", true)]).matches(metadata))
        #expect(MetadataFilter.and([]).matches(metadata))
        #expect(!MetadataFilter.or([]).matches(metadata))
    }

    @Test("the OpenAI JSON form is read")
    func json() throws {
        let filter = try MetadataFilter(
            json: ["type": "and", "filters": [["type": "eq", "key": "lang", "value": "en"], ["type": "in", "key": "year", "value": [2020, 2021]]]]
        )
        #expect(filter == .and([.equal("lang", "en"), .compare(key: "year", .in, [2020, 2021])]))
    }

    @Test("malformed filters are typed errors naming the part at fault", arguments: [
        (JSONValue.string("x"), "filter: expected an object"),
        (["key": "a", "value": 1], "filter.type: missing"),
        (["type": "like", "key": "a", "value": 1], "filter.type: unknown type \"like\""),
        (["type": "eq", "value": 1], "filter.key: expected a non-empty string"),
        (["type": "eq", "key": "a"], "filter.value: missing"),
        (["type": "in", "key": "a", "value": 1], "filter.value: \"in\" needs an array"),
        (["type": "nin", "key": "a", "value": [1, ["x": 1]]], "filter.value[1]: expected a string, number or boolean"),
        (["type": "gt", "key": "a", "value": true], "filter.value: \"gt\" needs a number or a string"),
        (["type": "or", "filters": [["type": "eq", "key": "a", "value": 1], ["type": "eq", "key": "", "value": 1]]], "filter.filters[1].key"),
        (["type": "and", "filters": "x"], "filter.filters: expected an array"),
    ] as [(JSONValue, String)])
    func malformed(_ json: JSONValue, _ message: String) {
        do {
            _ = try MetadataFilter(json: json)
            Issue.record("expected an error for \(json)")
        } catch {
            #expect(error.code == .invalidFilter)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }
}
