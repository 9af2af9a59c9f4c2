import Foundation
import StorageRefs

/// The rows of the table-store benchmark: a chat-completion-like 2 KB JSON document per row, ordered by
/// `created_at`, four rows per timestamp (so keyset pages cross ties).
struct SQLWorkload: Sendable {
    /// Rows in the page table (100,000 at scale 1).
    let pageRows: Int
    /// Rows per page.
    static let pageSize = 50
    /// Rows per batch insert.
    static let batchSize = 100
    /// The owners of the page table's rows, cycled per batch of 1,000 while populating; each shares the team
    /// `t0` with ``reader``, so the reader may read every row.
    static let owners: [User] = (0..<8).map { index in
        User(principal: "owner\(index)", attributes: ["roles": ["user"], "teams": ["t0", "t\(index % 4 + 1)"]])
    }
    /// The user the `page_acl` operation reads as.
    static let reader = User(principal: "reader", attributes: ["roles": ["user"], "teams": ["t0"]])

    /// The page table's schema (the decorator adds its owner columns); the insert tables use the same columns.
    static func schema(_ name: String) -> TableSchema {
        TableSchema(
            name: name,
            columns: [
                ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
                ColumnDefinition(name: "model", type: .string),
                ColumnDefinition(name: "body", type: .json),
            ],
            indexes: [IndexDefinition(name: "\(name)_created_at_id", columns: ["created_at", "id"])]
        )
    }

    private let text: String

    init(scale: Double) {
        self.pageRows = max(200, Int((100_000 * scale).rounded()))
        let words = ["stack", "kit", "keyset", "page", "store", "row", "json", "swift", "query", "index"]
        var random = BenchRandom(seed: 0x5D1_0000, stream: 0)
        var content = ""
        while content.utf8.count < 1_700 {
            content += words[random.next(below: words.count)] + " "
        }
        self.text = content
    }

    static func id(_ index: Int) -> String {
        "row-" + String(index).leftPadded(to: 7)
    }

    static func createdAt(_ index: Int) -> Int64 {
        1_700_000_000 + Int64(index / 4)
    }

    /// The JSON document of row `index` (about 2 KB as canonical JSON text).
    func body(_ index: Int, id: String) -> JSONValue {
        [
            "id": .string(id),
            "object": "chat.completion",
            "created": .int(Self.createdAt(index)),
            "model": "llama-3.1-8b-instruct",
            "choices": [
                [
                    "index": 0,
                    "finish_reason": "stop",
                    "message": ["role": "assistant", "content": .string(self.text)],
                ]
            ],
            "usage": ["prompt_tokens": 120, "completion_tokens": 310, "total_tokens": 430],
        ]
    }

    /// Row `index` with primary key `id`.
    func row(_ index: Int, id: String) -> TableRow {
        [
            "id": .string(id),
            "created_at": .integer(Self.createdAt(index)),
            "model": "llama-3.1-8b-instruct",
            "body": .json(self.body(index, id: id)),
        ]
    }

    /// The canonical JSON text the stores write for ``body(_:id:)``, which the raw baselines bind.
    func bodyText(_ index: Int, id: String) throws -> String {
        try JSONColumnText.encode(self.body(index, id: id), column: "body")
    }

    /// A random page start: a row with at least a full page of rows after it in descending order.
    func pageStart(_ random: inout BenchRandom) -> Int {
        Self.pageSize + 10 + random.next(below: self.pageRows - Self.pageSize - 10)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
