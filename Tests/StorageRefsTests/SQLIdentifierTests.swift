import StorageRefs
import Testing

struct SQLIdentifierTests {
    @Test(arguments: ["a", "_", "users", "Users_2", "_x9", "order", String(repeating: "a", count: 63)])
    func validNames(_ name: String) throws {
        #expect(SQLIdentifier.isValid(name))
        #expect(try SQLIdentifier.validate(name, kind: "table") == name)
    }

    @Test(arguments: [
        "", "1abc", "9", "a;b", "users; DROP TABLE x", "a b", "a-b", "a.b", "\"a\"", "é", "tabl\u{E9}",
        "a\u{4E00}", "\u{FF21}", "a\0", String(repeating: "a", count: 64),
    ])
    func invalidNames(_ name: String) {
        #expect(!SQLIdentifier.isValid(name))
        let error = #expect(throws: StorageError.self) {
            try SQLIdentifier.validate(name, kind: "column")
        }
        #expect(error?.code == .invalidIdentifier)
        #expect(error?.message.contains("column") == true)
    }

    @Test func lengthLimitIsInBytes() {
        #expect(SQLIdentifier.maximumLength == 63)
        #expect(SQLIdentifier.isValid("_" + String(repeating: "9", count: 62)))
        #expect(!SQLIdentifier.isValid("_" + String(repeating: "9", count: 63)))
    }

    @Test func schemaValidation() throws {
        let good = TableSchema(
            name: "responses",
            columns: [
                ColumnDefinition(name: "id", type: .string, isPrimaryKey: true, isNullable: true),
                ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "score", type: .float, defaultValue: 1),
            ],
            indexes: [IndexDefinition(columns: ["created_at"])]
        )
        try good.validate()
        #expect(good.primaryKey?.name == "id")
        #expect(good.primaryKey?.isNullable == false)
        #expect(good.column(named: "score")?.type == .float)
        #expect(good.column(named: "missing") == nil)
        #expect(good.indexes[0].resolvedName(table: "responses") == "ix_responses_created_at")

        var noKey = good
        noKey.columns[0].isPrimaryKey = false
        #expect(noKey.primaryKey == nil)
        #expect(throws: StorageError.self) { try noKey.validate() }

        var badColumn = good
        badColumn.columns.append(ColumnDefinition(name: "bad;name", type: .text))
        let error = #expect(throws: StorageError.self) { try badColumn.validate() }
        #expect(error?.code == .invalidIdentifier)

        var badIndex = good
        badIndex.indexes = [IndexDefinition(columns: ["nope"])]
        #expect((#expect(throws: StorageError.self) { try badIndex.validate() })?.code == .invalidSchema)
    }

    @Test func columnTypes() {
        #expect(ColumnType(rawValue: "INTEGER") == .integer)
        #expect(ColumnType(rawValue: "integer") == nil)
        #expect(
            ColumnType.allCases.map(\.description) == [
                "INTEGER", "STRING", "TEXT", "FLOAT", "BOOLEAN", "JSON", "DATETIME",
            ]
        )
        #expect(ColumnType.float.accepts(.integer(1)))
        #expect(!ColumnType.integer.accepts(.float(1)))
        #expect(ColumnType.text.accepts("x"))
        #expect(ColumnType.json.accepts(.json(.null)))
        #expect(!ColumnType.json.accepts("x"))
        #expect(ColumnType.boolean.accepts(.null))
    }
}

struct StorageErrorDescriptionTests {
    struct Secretive: Error {
        var text: String
    }

    @Test func descriptionLeavesOutTheCause() {
        let error = StorageError(
            code: .connectionFailed,
            message: "cannot reach db",
            cause: Secretive(text: "password=hunter2")
        )
        #expect(error.description == "connectionFailed: cannot reach db")
        #expect(!String(describing: error).contains("hunter2"))
        #expect(error.debugDescription.contains("hunter2"))
        #expect(error.location.file.hasSuffix("SQLIdentifierTests.swift"))
        #expect(error.code != .closed)
    }
}
