/// An operation of the table-store benchmark.
enum SQLOperation: String, CaseIterable, Sendable {
    /// One 2 KB JSON row per `insert(into:rows:)` call (autocommit).
    case insert
    /// 100 rows per `insert(into:rows:)` call (one transaction); reported in rows per second.
    case batchInsert = "batch_insert"
    /// `fetchOne` of a random existing row by primary key.
    case get
    /// One keyset page of 50 rows (descending `created_at`, then `id`) after a random position.
    case page
    /// The same page through the access-control decorator (default policy), as a user who may read every row.
    case pageACL = "page_acl"

    /// Operations per run at scale 1 (rows for `batch_insert`).
    var baseCount: Int {
        switch self {
        case .insert: 2_000
        case .batchInsert: 10_000
        case .get: 10_000
        case .page, .pageACL: 1_000
        }
    }
}
