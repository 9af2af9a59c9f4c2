import Foundation
import StorageRefs
import Testing

struct TablePredicateTests {
    private let row: TableRow = [
        "id": "r1",
        "n": 5,
        "score": 2.5,
        "name": "b\u{E9}",
        "flag": true,
        "missing": nil,
        "doc": .json(["a": 1]),
        "jnull": .json(.null),
        "at": .datetime(Date(timeIntervalSince1970: 1_000)),
    ]

    private func code(_ predicate: TablePredicate, on row: TableRow? = nil) -> StorageError.Code? {
        do {
            _ = try predicate.evaluate(on: row ?? self.row)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func emptyAndIsTrueEmptyOrIsFalse() throws {
        #expect(try TablePredicate.and([]).evaluate(on: row))
        #expect(try !TablePredicate.or([]).evaluate(on: row))
        #expect(try TablePredicate.and([]).evaluate(on: [:]))
    }

    @Test func andOr() throws {
        let yes = TablePredicate.equal("n", 5)
        let no = TablePredicate.equal("n", 6)
        #expect(try TablePredicate.and([yes, yes]).evaluate(on: row))
        #expect(try !TablePredicate.and([yes, no]).evaluate(on: row))
        #expect(try TablePredicate.or([no, yes]).evaluate(on: row))
        #expect(try !TablePredicate.or([no, no]).evaluate(on: row))
        #expect(try TablePredicate.and([.or([no, yes]), .isNull("missing")]).evaluate(on: row))
    }

    @Test func equalityWithNullOperandIsAnError() {
        #expect(code(.equal("n", .null)) == .invalidPredicate)
        #expect(code(.notEqual("n", .null)) == .invalidPredicate)
        #expect(code(.less("n", nil)) == .invalidPredicate)
        #expect(code(.in("n", [1, .null])) == .invalidPredicate)
        // Even where another branch already decides the result.
        #expect(code(.or([.equal("n", 5), .equal("n", .null)])) == .invalidPredicate)
        #expect(code(.and([.equal("n", 6), .equal("n", .null)])) == .invalidPredicate)
    }

    @Test func comparisonsNeverMatchNullRows() throws {
        #expect(try !TablePredicate.notEqual("missing", "x").evaluate(on: row))
        #expect(try !TablePredicate.equal("missing", "x").evaluate(on: row))
        #expect(try !TablePredicate.less("missing", 1).evaluate(on: row))
        #expect(try !TablePredicate.greaterOrEqual("missing", 1).evaluate(on: row))
        #expect(try !TablePredicate.in("missing", ["x"]).evaluate(on: row))
        #expect(try TablePredicate.or([.notEqual("missing", "x"), .isNull("missing")]).evaluate(on: row))
    }

    @Test func notEqualMatchesOtherValues() throws {
        #expect(try TablePredicate.notEqual("n", 4).evaluate(on: row))
        #expect(try !TablePredicate.notEqual("n", 5).evaluate(on: row))
    }

    @Test func isNullDistinguishesJSONNull() throws {
        #expect(try TablePredicate.isNull("missing").evaluate(on: row))
        #expect(try !TablePredicate.isNotNull("missing").evaluate(on: row))
        #expect(try !TablePredicate.isNull("jnull").evaluate(on: row))
        #expect(try TablePredicate.isNotNull("jnull").evaluate(on: row))
        #expect(try TablePredicate.equal("jnull", .json(.null)).evaluate(on: row))
    }

    @Test func inList() throws {
        #expect(try !TablePredicate.in("n", []).evaluate(on: row))
        #expect(try TablePredicate.in("n", [1, 5]).evaluate(on: row))
        #expect(try !TablePredicate.in("n", [1, 2]).evaluate(on: row))
        #expect(try TablePredicate.in("n", [5.0]).evaluate(on: row))
        #expect(code(.in("n", ["5"])) == .invalidPredicate)
    }

    @Test func numbersCompareNumerically() throws {
        #expect(try TablePredicate.equal("n", 5.0).evaluate(on: row))
        #expect(try TablePredicate.less("n", 5.5).evaluate(on: row))
        #expect(try TablePredicate.greater("n", 4.999).evaluate(on: row))
        #expect(try TablePredicate.greater("score", 2).evaluate(on: row))
        #expect(try TablePredicate.lessOrEqual("score", 2.5).evaluate(on: row))
        #expect(try !TablePredicate.greater("score", 3).evaluate(on: row))
        // Exact beyond 2^53: 2^53 + 1 is greater than the Double 2^53.
        let big: TableRow = ["n": .integer(9_007_199_254_740_993)]
        #expect(try TablePredicate.greater("n", .float(9_007_199_254_740_992)).evaluate(on: big))
        #expect(try !TablePredicate.equal("n", .float(9_007_199_254_740_992)).evaluate(on: big))
        #expect(try TablePredicate.less("n", .float(1e19)).evaluate(on: ["n": .integer(.max)]))
        #expect(try TablePredicate.greater("n", .float(-1e19)).evaluate(on: ["n": .integer(.min)]))
        #expect(code(.less("score", .float(.nan))) == .invalidPredicate)
    }

    @Test func stringsCompareByUTF8Bytes() throws {
        let emoji: TableRow = ["s": "\u{1F600}"]
        #expect(try TablePredicate.greater("s", "\u{FFFD}").evaluate(on: emoji))
        // Canonically equivalent but different bytes: not equal.
        #expect(try !TablePredicate.equal("name", "be\u{301}").evaluate(on: row))
        #expect(try TablePredicate.equal("name", "b\u{E9}").evaluate(on: row))
        #expect(try TablePredicate.greater("name", "be\u{301}").evaluate(on: row))
    }

    @Test func datetimesAndBooleans() throws {
        #expect(try TablePredicate.greater("at", .datetime(Date(timeIntervalSince1970: 999))).evaluate(on: row))
        #expect(try TablePredicate.equal("at", .datetime(Date(timeIntervalSince1970: 1_000))).evaluate(on: row))
        #expect(try TablePredicate.greater("flag", false).evaluate(on: row))
        #expect(try !TablePredicate.less("flag", true).evaluate(on: row))
        #expect(try TablePredicate.lessOrEqual("flag", true).evaluate(on: row))
    }

    @Test func jsonComparesOnlyForIdentity() throws {
        #expect(try TablePredicate.equal("doc", .json(["a": 1])).evaluate(on: row))
        #expect(try !TablePredicate.equal("doc", .json(["a": 1.0])).evaluate(on: row))
        #expect(try TablePredicate.notEqual("doc", .json(["a": 2])).evaluate(on: row))
        #expect(try TablePredicate.in("doc", [.json(["a": 1])]).evaluate(on: row))
        #expect(code(.less("doc", .json(["a": 2]))) == .invalidPredicate)
    }

    @Test func incomparableKindsThrow() {
        #expect(code(.equal("n", "5")) == .invalidPredicate)
        #expect(code(.less("name", 1)) == .invalidPredicate)
        #expect(code(.equal("flag", 1)) == .invalidPredicate)
        #expect(code(.equal("doc", "x")) == .invalidPredicate)
        #expect(code(.equal("at", 1_000)) == .invalidPredicate)
    }

    @Test func unknownColumnThrows() {
        #expect(code(.equal("nope", 1)) == .unknownColumn)
        #expect(code(.isNull("nope")) == .unknownColumn)
        #expect(code(.in("nope", [])) == .unknownColumn)
        #expect(code(.or([.equal("n", 5), .isNull("nope")])) == .unknownColumn)
    }

    @Test func referencedColumns() {
        let predicate = TablePredicate.and([
            .equal("a", 1), .or([.isNull("b"), .in("c", []), .and([])]), .greater("a", 0),
        ])
        #expect(predicate.referencedColumns == ["a", "b", "c"])
        #expect(TablePredicate.or([]).referencedColumns.isEmpty)
    }

    @Test func keysetCursors() {
        let byKey = KeysetCursor.after(primaryKey: "r1")
        #expect(byKey.primaryKey == "r1")
        #expect(byKey.orderValue == nil)
        let byPosition = KeysetCursor.after(orderValue: 10, primaryKey: "r1")
        #expect(byPosition.primaryKey == "r1")
        #expect(byPosition.orderValue == 10)
        #expect(byKey != byPosition)
        let query = TableQuery(table: "t", ordering: .descending("created_at"), limit: 2, after: byPosition)
        #expect(query.ordering?.direction == .descending)
        #expect(query.ordering?.direction.isAscending == false)
    }

    @Test func tableRow() {
        var row: TableRow = ["b": 1, "a": nil]
        #expect(row.columns == ["a", "b"])
        #expect(row["a"] == .null)
        #expect(row["c"] == nil)
        row["c"] = .json(.null)
        #expect(row.map(\.column) == ["a", "b", "c"])
        #expect(row.count == 3)
        row["a"] = nil
        #expect(row.columns == ["b", "c"])
        #expect(TableValue.null != .json(.null))
    }
}
