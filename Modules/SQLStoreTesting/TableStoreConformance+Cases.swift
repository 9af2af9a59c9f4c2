import Foundation
import StorageRefs
import Testing

/// The state of one case run: the store and a run id that makes table names unique.
struct TableConformanceContext {
    let store: any TableStore
    let name: String
    let run: String

    func table(_ label: String = "t") -> String { "c_\(run)_\(label)" }

    /// A table with `id` STRING primary key, `n` INTEGER, `label` STRING and the given extra columns.
    func simpleTable(_ label: String = "t", extra: [ColumnDefinition] = []) async throws -> String {
        let table = table(label)
        try await store.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "n", type: .integer),
                    ColumnDefinition(name: "label", type: .string),
                ] + extra
            )
        )
        return table
    }

    func expectCode(
        _ code: StorageError.Code,
        _ operation: String,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("\(name): \(operation) must throw \(code)")
        } catch let error as StorageError {
            #expect(error.code == code, "\(name): \(operation) threw \(error), expected \(code)")
        } catch {
            Issue.record("\(name): \(operation) threw \(error), expected a StorageError \(code)")
        }
    }

    func ids(_ table: String, _ predicate: TablePredicate) async throws -> [String] {
        let page = try await store.fetchPage(TableQuery(table: table, predicate: predicate))
        return page.rows.compactMap { $0["id"]?.stringValue }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func run(_ testCase: TableStoreConformance.Case) async throws {
        switch testCase {
        case .roundTripEveryColumnType:
            let table = table()
            try await store.createTable(
                TableSchema(
                    name: table,
                    columns: [
                        ColumnDefinition(name: "id", type: .integer, isPrimaryKey: true),
                        ColumnDefinition(name: "s", type: .string),
                        ColumnDefinition(name: "t", type: .text),
                        ColumnDefinition(name: "f", type: .float),
                        ColumnDefinition(name: "b", type: .boolean),
                        ColumnDefinition(name: "j", type: .json),
                        ColumnDefinition(name: "d", type: .datetime),
                        ColumnDefinition(name: "i", type: .integer),
                    ]
                )
            )
            let date = Date(timeIntervalSince1970: 1_700_000_000.25)
            let json: JSONValue = [
                "a": [1, 2.5, "x", nil, true], "big": .int(9_007_199_254_740_993), "d": .double(1), "q": "\"'\\\n",
            ]
            let full: TableRow = [
                "id": 1, "s": "héllo 'quoted'", "t": "long\ntext", "f": 0.1, "b": true, "j": .json(json),
                "d": .datetime(date), "i": .integer(Int64.min),
            ]
            let empty: TableRow = ["id": 2]
            try await store.insert(into: table, rows: [full, empty])
            let first = try await store.fetchOne(from: table, where: .equal("id", 1))
            #expect(first == full, "\(name): round trip of every type")
            let second = try await store.fetchOne(from: table, where: .equal("id", 2))
            #expect(
                second
                    == ["id": 2, "s": nil, "t": nil, "f": nil, "b": nil, "j": nil, "d": nil, "i": nil],
                "\(name): omitted columns read as NULL"
            )
            // FLOAT accepts integers and reads them back as floats.
            try await store.insert(into: table, rows: [["id": 3, "f": 2, "b": false]])
            let third = try await store.fetchOne(from: table, where: .equal("id", 3))
            #expect(third?["f"] == .float(2), "\(name): integer in FLOAT reads back as float")
            #expect(third?["b"] == .boolean(false), "\(name): false round trip")
            await expectCode(.invalidValue, "string into INTEGER") {
                try await store.insert(into: table, rows: [["id": 4, "i": "x"]])
            }

        case .jsonNullIsNotMissing:
            let table = try await simpleTable(extra: [ColumnDefinition(name: "j", type: .json)])
            try await store.insert(
                into: table,
                rows: [["id": "sql-null", "j": nil], ["id": "json-null", "j": .json(.null)], ["id": "omitted"]]
            )
            #expect(try await store.fetchOne(from: table, where: .equal("id", "sql-null"))?["j"] == .null)
            #expect(try await store.fetchOne(from: table, where: .equal("id", "json-null"))?["j"] == .json(.null))
            #expect(try await store.fetchOne(from: table, where: .equal("id", "omitted"))?["j"] == .null)
            #expect(try await ids(table, .isNull("j")).sorted() == ["omitted", "sql-null"], "\(name)")
            #expect(try await ids(table, .isNotNull("j")) == ["json-null"], "\(name)")
            #expect(try await ids(table, .equal("j", .json(.null))) == ["json-null"], "\(name)")

        case .predicateOperators:
            let table = try await simpleTable(extra: [
                ColumnDefinition(name: "f", type: .float), ColumnDefinition(name: "j", type: .json),
            ])
            try await store.insert(
                into: table,
                rows: [
                    ["id": "a", "n": 1, "label": "x", "f": 1.5, "j": .json(["k": 1])],
                    ["id": "b", "n": 2, "label": "y", "f": 2.0, "j": .json(["k": .double(1)])],
                    ["id": "c", "n": 3, "label": nil, "f": nil, "j": nil],
                    ["id": "d", "n": nil, "label": "x", "f": -1, "j": .json([1, 2])],
                ]
            )
            #expect(try await ids(table, .equal("n", 2)) == ["b"], "\(name): equal")
            #expect(try await ids(table, .equal("n", 2.0)) == ["b"], "\(name): integer equals float")
            #expect(try await ids(table, .equal("f", 2)) == ["b"], "\(name): float equals integer")
            #expect(try await ids(table, .notEqual("label", "x")) == ["b"], "\(name): notEqual skips NULL")
            #expect(try await ids(table, .less("n", 2)) == ["a"], "\(name): less")
            #expect(try await ids(table, .lessOrEqual("n", 2)) == ["a", "b"], "\(name): lessOrEqual")
            #expect(try await ids(table, .greater("n", 1.5)) == ["b", "c"], "\(name): greater float operand")
            #expect(try await ids(table, .greaterOrEqual("n", 2)) == ["b", "c"], "\(name): greaterOrEqual")
            #expect(try await ids(table, .in("n", [1, 3, 99])) == ["a", "c"], "\(name): in")
            #expect(try await ids(table, .isNull("n")) == ["d"], "\(name): isNull")
            #expect(try await ids(table, .isNotNull("label")) == ["a", "b", "d"], "\(name): isNotNull")
            #expect(try await ids(table, .equal("j", .json(["k": 1]))) == ["a"], "\(name): JSON int is not double")
            #expect(try await ids(table, .notEqual("j", .json([1, 2]))) == ["a", "b"], "\(name): JSON notEqual")
            #expect(
                try await ids(table, .and([.equal("label", "x"), .or([.isNull("n"), .greater("n", 0)])]))
                    == ["a", "d"],
                "\(name): and/or"
            )
            #expect(try await ids(table, .less("label", "y")) == ["a", "d"], "\(name): string order")
            await expectCode(.invalidPredicate, "ordering comparison on JSON") {
                _ = try await store.count(in: table, where: .less("j", .json(1)))
            }
            await expectCode(.invalidPredicate, "string compared with integer") {
                _ = try await store.count(in: table, where: .equal("n", "1"))
            }
            await expectCode(.invalidPredicate, "error in a later OR branch") {
                _ = try await store.count(in: table, where: .or([.equal("n", 1), .equal("n", "x")]))
            }

        case .emptyInAndOrSemantics:
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "a", "n": 1], ["id": "b"]])
            #expect(try await store.count(in: table, where: .in("n", [])) == 0, "\(name): IN [] is false")
            #expect(try await store.count(in: table, where: .and([])) == 2, "\(name): AND [] is true")
            #expect(try await store.count(in: table, where: .or([])) == 0, "\(name): OR [] is false")
            #expect(try await store.count(in: table, where: nil) == 2, "\(name): no predicate")
            #expect(
                try await store.count(in: table, where: .or([.in("n", []), .isNull("n")])) == 1,
                "\(name): IN [] inside OR"
            )

        case .nullOperandIsInvalidPredicate:
            let table = try await simpleTable()
            await expectCode(.invalidPredicate, "equal with NULL") {
                _ = try await store.count(in: table, where: .equal("n", nil))
            }
            await expectCode(.invalidPredicate, "in with NULL") {
                _ = try await store.count(in: table, where: .in("n", [1, nil]))
            }

        case .unknownTableAndColumn:
            let table = try await simpleTable()
            await expectCode(.unknownTable, "insert into a missing table") {
                try await store.insert(into: self.table("missing"), rows: [["id": "a"]])
            }
            await expectCode(.unknownTable, "count of a missing table") {
                _ = try await store.count(in: self.table("missing"))
            }
            await expectCode(.unknownColumn, "insert of an unknown column") {
                try await store.insert(into: table, rows: [["id": "a", "nope": 1]])
            }
            await expectCode(.unknownColumn, "predicate on an unknown column") {
                _ = try await store.count(in: table, where: .equal("nope", 1))
            }
            await expectCode(.unknownColumn, "ordering by an unknown column") {
                _ = try await store.fetchPage(TableQuery(table: table, ordering: .ascending("nope")))
            }
            do {
                _ = try await store.count(in: table, where: .isNull("nope"))
            } catch let error as StorageError {
                #expect(error.message.contains("nope"), "\(name): the message names the column")
            }

        case .paginationWithTiesAscending, .paginationWithTiesDescending:
            let table = table()
            try await store.createTable(
                TableSchema(
                    name: table,
                    columns: [
                        ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                        ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                    ],
                    indexes: [IndexDefinition(columns: ["created_at", "id"])]
                )
            )
            let rows: [TableRow] = (0..<120).map { index in
                [
                    "id": .string("r\(String(format: "%03d", (index * 37) % 120))"),
                    "created_at": .integer(Int64(index % 40)),
                ]
            }
            try await store.insert(into: table, rows: rows)
            let ascending = testCase == .paginationWithTiesAscending
            var query = TableQuery(
                table: table,
                ordering: ascending ? .ascending("created_at") : .descending("created_at"),
                limit: 7
            )
            var seen: [TableRow] = []
            var pages = 0
            repeat {
                let page = try await store.fetchPage(query)
                pages += 1
                #expect(page.rows.count <= 7, "\(name): page size")
                #expect(page.hasMore == (page.nextCursor != nil), "\(name): hasMore matches nextCursor")
                if page.hasMore { #expect(page.rows.count == 7, "\(name): a page with more is full") }
                seen += page.rows
                query.after = page.nextCursor
            } while query.after != nil && pages < 100
            #expect(seen.count == 120, "\(name): every row once (saw \(seen.count))")
            #expect(Set(seen.compactMap { $0["id"]?.stringValue }).count == 120, "\(name): no row repeated")
            #expect(pages == 18, "\(name): 18 pages of 7")
            let keys = seen.map { ($0["created_at"]?.integerValue ?? -1, $0["id"]?.stringValue ?? "") }
            let expected = keys.sorted { lhs, rhs in
                lhs.0 != rhs.0
                    ? (ascending ? lhs.0 < rhs.0 : lhs.0 > rhs.0) : (ascending ? lhs.1 < rhs.1 : lhs.1 > rhs.1)
            }
            #expect(keys.map { "\($0.0)/\($0.1)" } == expected.map { "\($0.0)/\($0.1)" }, "\(name): order")
            // An after(primaryKey:) cursor continues after that row.
            let middle = seen[50]
            let page = try await store.fetchPage(
                TableQuery(
                    table: table,
                    ordering: ascending ? .ascending("created_at") : .descending("created_at"),
                    limit: 3,
                    after: .after(primaryKey: middle["id"]!)
                )
            )
            #expect(page.rows == Array(seen[51..<54]), "\(name): after(primaryKey:)")

        case .paginationWithInsertsDuringWalk:
            // 60 rows over 15 order values; after every page, rows are inserted before the cursor,
            // at the cursor's own order value on both sides of its key, and after it. Every row that
            // existed before the walk is seen exactly once; inserted rows appear exactly when they
            // sort after the cursor at the time they were inserted.
            let table = try await simpleTable()
            try await store.insert(
                into: table,
                rows: (0..<60).map { ["id": .string(String(format: "p%02d", $0)), "n": .integer(Int64($0 % 15) * 10)] }
            )
            for ascending in [true, false] {
                var query = TableQuery(table: table, ordering: ascending ? .ascending("n") : .descending("n"), limit: 7)
                var seen: [String] = []
                var expectedNew: Set<String> = []
                var unexpectedNew: Set<String> = []
                var pages = 0
                repeat {
                    let page = try await store.fetchPage(query)
                    pages += 1
                    seen += page.rows.compactMap { $0["id"]?.stringValue }
                    query.after = page.nextCursor
                    guard let last = page.rows.last, let n = last["n"]?.integerValue,
                        let key = last["id"]?.stringValue
                    else { break }
                    let tag = "\(ascending ? "a" : "d")\(pages)"
                    // Keys just below and just above the cursor's key: "!" sorts before every character
                    // the ids use, and a string sorts after its own prefix.
                    let lowerKey = String(key.dropLast()) + "!" + tag
                    let higherKey = key + "~" + tag
                    let step: Int64 = ascending ? 5 : -5
                    let behind: [TableRow] = [
                        ["id": .string(ascending ? lowerKey : higherKey), "n": .integer(n)],
                        ["id": .string("x\(tag)-behind"), "n": .integer(n - step)],
                    ]
                    let ahead: [TableRow] = [
                        ["id": .string(ascending ? higherKey : lowerKey), "n": .integer(n)],
                        ["id": .string("x\(tag)-ahead"), "n": .integer(n + step)],
                    ]
                    try await store.insert(into: table, rows: behind + ahead)
                    unexpectedNew.formUnion(behind.compactMap { $0["id"]?.stringValue })
                    if page.hasMore { expectedNew.formUnion(ahead.compactMap { $0["id"]?.stringValue }) }
                } while query.after != nil && pages < 100
                let direction = ascending ? "ascending" : "descending"
                #expect(expectedNew.count >= 16 && unexpectedNew.count >= 16, "\(name): \(direction): inserts made")
                #expect(Set(seen).count == seen.count, "\(name): \(direction): no row repeated")
                let original = (0..<60).map { String(format: "p%02d", $0) }
                #expect(
                    original.allSatisfy(seen.contains),
                    "\(name): \(direction): every pre-existing row seen (missing \(original.filter { !seen.contains($0) }))"
                )
                #expect(
                    unexpectedNew.isDisjoint(with: seen),
                    "\(name): \(direction): rows inserted behind the cursor are not returned"
                )
                #expect(
                    expectedNew.isSubset(of: Set(seen)),
                    "\(name): \(direction): rows inserted ahead of the cursor are returned (missing \(expectedNew.subtracting(seen)))"
                )
                _ = try await store.delete(from: table, where: .notEqual("id", ""))
                try await store.insert(
                    into: table,
                    rows: (0..<60).map { ["id": .string(String(format: "p%02d", $0)), "n": .integer(Int64($0 % 15) * 10)] }
                )
            }

        case .paginationWithNullOrderValues:
            let table = try await simpleTable()
            try await store.insert(
                into: table,
                rows: (0..<10).map { index in
                    ["id": .string("r\(index)"), "n": index % 3 == 0 ? nil : .integer(Int64(index % 2))]
                }
            )
            for ordering in [TableOrdering.ascending("n"), .descending("n")] {
                var query = TableQuery(table: table, ordering: ordering, limit: 2)
                var seen: [String] = []
                repeat {
                    let page = try await store.fetchPage(query)
                    seen += page.rows.compactMap { $0["id"]?.stringValue }
                    query.after = page.nextCursor
                } while query.after != nil && seen.count < 50
                let all = try await store.fetchPage(TableQuery(table: table, ordering: ordering))
                #expect(seen == all.rows.compactMap { $0["id"]?.stringValue }, "\(name): \(ordering.direction)")
                #expect(Set(seen).count == 10, "\(name): every row once with NULL order values")
                let first = all.rows.first?["n"]
                #expect((first == .null) == ordering.direction.isAscending, "\(name): NULL sorts first ascending")
            }

        case .unknownCursor:
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "a", "n": 1]])
            await expectCode(.unknownCursor, "a cursor naming a missing row") {
                _ = try await store.fetchPage(
                    TableQuery(table: table, ordering: .ascending("n"), after: .after(primaryKey: "zzz"))
                )
            }
            await expectCode(.unknownCursor, "a cursor naming a missing row, no ordering") {
                _ = try await store.fetchPage(TableQuery(table: table, after: .after(primaryKey: "zzz")))
            }
            await expectCode(.invalidValue, "a limit of 0") {
                _ = try await store.fetchPage(TableQuery(table: table, limit: 0))
            }
            // A position cursor stays valid after its row is deleted.
            let page = try await store.fetchPage(
                TableQuery(table: table, ordering: .ascending("n"), after: .after(orderValue: 0, primaryKey: "zzz"))
            )
            #expect(page.rows.count == 1, "\(name): position cursor of a missing row")

        case .batchInsertIsAtomic:
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "existing"]])
            await expectCode(.constraintViolation, "a batch with a duplicate key") {
                try await store.insert(into: table, rows: [["id": "a"], ["id": "b"], ["id": "a"]])
            }
            await expectCode(.constraintViolation, "a batch with an existing key") {
                try await store.insert(into: table, rows: [["id": "c"], ["id": "existing"]])
            }
            await expectCode(.unknownColumn, "a batch with a bad row") {
                try await store.insert(into: table, rows: [["id": "d"], ["id": "e", "bad": 1]])
            }
            #expect(try await store.count(in: table) == 1, "\(name): nothing of the failed batches is written")
            try await store.insert(into: table, rows: [])

        case .upsertInsertsOrUpdates:
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "a", "n": 1, "label": "keep"]])
            try await store.upsert(into: table, rows: [["id": "a", "n": 2], ["id": "b", "n": 3]], onConflict: ["id"])
            #expect(
                try await store.fetchOne(from: table, where: .equal("id", "a")) == [
                    "id": "a", "n": 2, "label": "keep",
                ],
                "\(name): upsert updates given columns and keeps the others"
            )
            #expect(try await store.fetchOne(from: table, where: .equal("id", "b"))?["n"] == 3, "\(name): inserts")
            await expectCode(.invalidValue, "upsert on a non-unique column") {
                try await store.upsert(into: table, rows: [["id": "a", "n": 2]], onConflict: ["n"])
            }
            await expectCode(.invalidValue, "upsert with no conflict columns") {
                try await store.upsert(into: table, rows: [["id": "a"]], onConflict: [])
            }
            await expectCode(.invalidValue, "upsert of a row without the conflict column") {
                try await store.upsert(into: table, rows: [["n": 1]], onConflict: ["id"])
            }

        case .updateAndDeleteReturnCounts:
            let table = try await simpleTable()
            try await store.insert(
                into: table,
                rows: (0..<10).map { ["id": .string("r\($0)"), "n": .integer(Int64($0 % 3))] }
            )
            #expect(try await store.update(table, set: ["label": "zero"], where: .equal("n", 0)) == 4, "\(name)")
            #expect(try await store.count(in: table, where: .equal("label", "zero")) == 4, "\(name)")
            #expect(try await store.update(table, set: ["label": "none"], where: .equal("n", 99)) == 0, "\(name)")
            await expectCode(.invalidValue, "update setting nothing") {
                _ = try await store.update(table, set: [:], where: .and([]))
            }
            #expect(try await store.delete(from: table, where: .equal("n", 1)) == 3, "\(name)")
            #expect(try await store.delete(from: table, where: .equal("n", 1)) == 0, "\(name)")
            #expect(try await store.delete(from: table, where: .and([])) == 7, "\(name): whole-table delete")
            #expect(try await store.count(in: table) == 0, "\(name)")

        case .transactionCommits:
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "job", "n": 1]])
            let moved = try await store.withTransaction { tx in
                let count = try await tx.delete(from: table, where: .equal("id", "job"))
                try await tx.insert(into: table, rows: [["id": "done", "n": 2]])
                #expect(try await tx.count(in: table) == 1)
                return count
            }
            #expect(moved == 1, "\(name)")
            #expect(try await ids(table, .and([])) == ["done"], "\(name): committed")

        case .transactionRollsBack:
            struct Abort: Error {}
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "job", "n": 1]])
            do {
                _ = try await store.withTransaction { tx in
                    _ = try await tx.delete(from: table, where: .equal("id", "job"))
                    try await tx.insert(into: table, rows: [["id": "done"]])
                    throw Abort()
                }
                Issue.record("\(name): the body's error must be rethrown")
            } catch is Abort {
            }
            #expect(try await ids(table, .and([])) == ["job"], "\(name): rolled back")
            // A failing operation inside the body rolls back the whole transaction.
            await expectCode(.constraintViolation, "a duplicate inside a transaction") {
                _ = try await store.withTransaction { tx in
                    try await tx.insert(into: table, rows: [["id": "new"]])
                    try await tx.insert(into: table, rows: [["id": "job"]])
                }
            }
            #expect(try await ids(table, .and([])) == ["job"], "\(name): rolled back after an operation failed")

        case .identifierInjectionIsRejected:
            let table = try await simpleTable()
            let evil = "x; DROP TABLE \(table)"
            await expectCode(.invalidIdentifier, "an injected table name") {
                try await store.insert(into: evil, rows: [["id": "a"]])
            }
            await expectCode(.invalidIdentifier, "an injected table name in createTable") {
                try await store.createTable(
                    TableSchema(name: evil, columns: [ColumnDefinition(name: "id", type: .string, isPrimaryKey: true)])
                )
            }
            await expectCode(.invalidIdentifier, "an injected column name in a row") {
                try await store.insert(into: table, rows: [["id": "a", evil: 1]])
            }
            await expectCode(.invalidIdentifier, "an injected column name in a predicate") {
                _ = try await store.count(in: table, where: .equal(evil, 1))
            }
            await expectCode(.invalidIdentifier, "an injected column name in an ordering") {
                _ = try await store.fetchPage(TableQuery(table: table, ordering: .ascending(evil)))
            }
            await expectCode(.invalidIdentifier, "an injected column name in addColumnIfNotExists") {
                try await store.addColumnIfNotExists(table: table, column: ColumnDefinition(name: evil, type: .text))
            }
            // Values are bound, never interpolated.
            try await store.insert(into: table, rows: [["id": "'); DROP TABLE x; --", "label": "\"; --"]])
            #expect(try await store.count(in: table, where: .equal("id", "'); DROP TABLE x; --")) == 1, "\(name)")

        case .addColumnIfNotExistsTwice:
            let table = try await simpleTable()
            try await store.insert(into: table, rows: [["id": "a"]])
            let column = ColumnDefinition(name: "status", type: .string, isNullable: false, defaultValue: "new")
            try await store.addColumnIfNotExists(table: table, column: column)
            try await store.addColumnIfNotExists(table: table, column: column)
            #expect(try await store.fetchOne(from: table, where: .equal("id", "a"))?["status"] == "new", "\(name)")
            try await store.insert(into: table, rows: [["id": "b", "status": "done"]])
            #expect(try await store.count(in: table, where: .equal("status", "done")) == 1, "\(name)")
            await expectCode(.unknownTable, "adding a column to a missing table") {
                try await store.addColumnIfNotExists(table: self.table("missing"), column: column)
            }
            await expectCode(.invalidSchema, "adding a NOT NULL column without default") {
                try await store.addColumnIfNotExists(
                    table: table,
                    column: ColumnDefinition(name: "strict", type: .integer, isNullable: false)
                )
            }
            await expectCode(.invalidSchema, "adding a primary key") {
                try await store.addColumnIfNotExists(
                    table: table,
                    column: ColumnDefinition(name: "pk2", type: .integer, isPrimaryKey: true)
                )
            }

        case .createTableIsIdempotent:
            let schema = TableSchema(
                name: table(),
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "n", type: .integer, isNullable: false, defaultValue: 0),
                ]
            )
            try await store.createTable(schema)
            try await store.insert(into: schema.name, rows: [["id": "a"]])
            try await store.addColumnIfNotExists(table: schema.name, column: ColumnDefinition(name: "x", type: .json))
            var indexed = schema
            indexed.indexes = [IndexDefinition(columns: ["n"], isUnique: false)]
            try await store.createTable(indexed)
            try await store.createTable(indexed)
            #expect(try await store.fetchOne(from: schema.name, where: .equal("id", "a"))?["n"] == 0, "\(name)")
            await expectCode(.invalidSchema, "a schema without primary key") {
                try await store.createTable(
                    TableSchema(name: self.table("nopk"), columns: [ColumnDefinition(name: "a", type: .text)])
                )
            }

        case .createTableDetectsSchemaMismatch:
            let schema = TableSchema(
                name: table(),
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "n", type: .integer),
                ]
            )
            try await store.createTable(schema)
            var otherType = schema
            otherType.columns[1].type = .text
            await expectCode(.schemaMismatch, "a column of another type") { try await store.createTable(otherType) }
            var notNull = schema
            notNull.columns[1].isNullable = false
            await expectCode(.schemaMismatch, "a column of other nullability") { try await store.createTable(notNull) }
            var extra = schema
            extra.columns.append(ColumnDefinition(name: "missing", type: .text))
            await expectCode(.schemaMismatch, "a column the table lacks") { try await store.createTable(extra) }

        case .predicatesMatchInMemoryEvaluation:
            try await predicateParity()

        case .projectionAndFetchOne:
            let table = try await simpleTable()
            try await store.insert(
                into: table,
                rows: [["id": "b", "n": 1], ["id": "a", "n": 1], ["id": "c", "n": 2]]
            )
            #expect(try await store.fetchOne(from: table, where: .equal("n", 1))?["id"] == "a", "\(name): smallest key")
            #expect(try await store.fetchOne(from: table, where: .equal("n", 9)) == nil, "\(name)")
            let page = try await store.fetchPage(
                TableQuery(table: table, ordering: .descending("n"), limit: 2, columns: ["label"])
            )
            #expect(page.rows == [["label": nil], ["label": nil]], "\(name): projection")
            #expect(page.nextCursor == .after(orderValue: 1, primaryKey: "b"), "\(name): cursor despite projection")
        }
    }

    /// Every predicate selects, through the store, exactly the rows ``TablePredicate/evaluate(on:)``
    /// selects, or fails with the same code.
    func predicateParity() async throws {
        let table = table()
        try await store.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "n", type: .integer),
                    ColumnDefinition(name: "f", type: .float),
                    ColumnDefinition(name: "s", type: .text),
                    ColumnDefinition(name: "b", type: .boolean),
                    ColumnDefinition(name: "j", type: .json),
                    ColumnDefinition(name: "d", type: .datetime),
                ]
            )
        )
        let strings: [TableValue] = [nil, "", "a", "B", "é", "ab", "z\u{7F}"]  // no U+0000: PostgreSQL text cannot hold it (see the store contract note)
        let jsons: [TableValue] = [nil, .json(.null), .json(1), .json(.double(1)), .json(["a": [1]]), .json("x")]
        var rows: [TableRow] = []
        for index in 0..<21 {
            var row = TableRow()
            row["id"] = .string("r\(index)")
            row["n"] = index % 5 == 0 ? .null : .integer(Int64(index % 7) - 3)
            row["f"] = index % 6 == 0 ? .null : .float(Double(index % 4) * 0.5 - 0.5)
            row["s"] = strings[index % strings.count]
            row["b"] = index % 4 == 0 ? .null : .boolean(index.isMultiple(of: 3))
            row["j"] = jsons[index % jsons.count]
            let instant = Date(timeIntervalSince1970: Double(index % 5) * 1000)
            row["d"] = index % 3 == 0 ? .null : .datetime(instant)
            rows.append(row)
        }
        try await store.insert(into: table, rows: rows)
        let stored = try await store.fetchPage(TableQuery(table: table)).rows
        #expect(stored.count == rows.count, "\(name)")
        var predicates: [TablePredicate] = [.equal("n", .integer(1)), .equal("n", .float(1)), .equal("n", .float(1.5))]
        predicates += [.notEqual("n", .integer(0)), .less("n", .integer(0)), .lessOrEqual("n", .integer(-1))]
        predicates += [.greater("n", .float(-0.5)), .greaterOrEqual("n", .integer(2)), .in("n", [0, 1.0, 9])]
        predicates += [.in("n", []), .isNull("n"), .isNotNull("n"), .equal("f", .integer(0))]
        predicates += [.less("f", .float(0.25)), .greaterOrEqual("f", .integer(1)), .notEqual("f", .float(0.5))]
        predicates += [.equal("s", .string("")), .less("s", .string("a")), .greater("s", .string("Z"))]
        predicates += [.greaterOrEqual("s", .string("ab")), .notEqual("s", .string("a")), .in("s", ["a", "é"])]
        predicates += [.equal("b", .boolean(true)), .less("b", .boolean(true)), .notEqual("b", .boolean(false))]
        predicates += [.isNull("b"), .equal("j", .json(.int(1))), .equal("j", .json(.double(1)))]
        predicates += [.equal("j", .json(.null)), .notEqual("j", .json(.string("x"))), .isNull("j")]
        predicates += [.in("j", [.json(.object(["a": .array([.int(1)])])), .json(.null)])]
        predicates += [.equal("d", .datetime(Date(timeIntervalSince1970: 2000)))]
        predicates += [.less("d", .datetime(Date(timeIntervalSince1970: 2500))), .and([]), .or([])]
        predicates += [.and([.isNotNull("n"), .or([.less("f", .integer(0)), .equal("b", .boolean(true))])])]
        predicates += [.or([.isNull("s"), .and([.greater("n", .integer(0)), .notEqual("s", .string("B"))])])]
        predicates += [.equal("n", .string("1")), .less("j", .json(.int(1))), .equal("s", .integer(1))]
        predicates += [.equal("b", .integer(1)), .equal("d", .integer(0)), .in("n", [.integer(1), .null])]
        predicates += [.equal("f", .float(.nan)), .or([.equal("n", .integer(1)), .equal("n", .null)])]
        predicates += [.and([.equal("n", .integer(1)), .equal("missing", .integer(1))])]
        for predicate in predicates {
            var expected: Result<[String], StorageError>
            do {
                var ids: [String] = []
                for row in stored where try predicate.evaluate(on: row) { ids.append(row["id"]?.stringValue ?? "") }
                expected = .success(ids)
            } catch {
                expected = .failure(error)
            }
            do {
                let actual = try await ids(table, predicate)
                switch expected {
                case .success(let ids):
                    #expect(actual.sorted() == ids.sorted(), "\(name): \(predicate)")
                case .failure(let error):
                    Issue.record("\(name): \(predicate) must throw \(error.code)")
                }
            } catch let error as StorageError {
                switch expected {
                case .success:
                    Issue.record("\(name): \(predicate) threw \(error)")
                case .failure(let expectedError):
                    #expect(error.code == expectedError.code, "\(name): \(predicate) threw \(error)")
                }
            }
        }
    }
}
