/// The scores of one function over many rows: each row's result and the aggregates.
public struct ScoringResult: Hashable, Sendable {
    /// One result per input row, in input order. A row that failed or timed out has `score: null` and an
    /// `error` naming why.
    public var scoreRows: [ScoreRow]
    /// The aggregations' results merged (each aggregation writes its own keys).
    public var aggregatedResults: AggregatedResult
}

/// Scores rows with registered functions, a bounded number of rows at a time, each within a time limit.
///
/// The time limit is structured concurrency, not a signal: the row's work runs in a child task raced against
/// a timer, and the loser is cancelled. A function that never checks for cancellation still finishes its
/// work before the call returns (structured concurrency waits for it), but its row is recorded as timed out.
public struct Scorer: Sendable {
    /// Where the functions come from.
    public let registry: ScoringFunctionRegistry
    /// How many rows are scored at once. Default 8.
    public let maximumConcurrentRows: Int
    /// The longest one row may take; `nil` for no limit. Default 60 s.
    public let rowTimeLimit: Duration?

    /// Creates a scorer.
    ///
    /// - Throws: ``ScoringError`` `invalidParameter` when `maximumConcurrentRows` is below 1 or the time limit
    ///   is not positive.
    public init(registry: ScoringFunctionRegistry, maximumConcurrentRows: Int = 8, rowTimeLimit: Duration? = .seconds(60)) throws(ScoringError) {
        guard maximumConcurrentRows >= 1 else {
            throw ScoringError(code: .invalidParameter, message: "maximumConcurrentRows must be at least 1, found \(maximumConcurrentRows)")
        }
        if let rowTimeLimit, rowTimeLimit <= .zero {
            throw ScoringError(code: .invalidParameter, message: "rowTimeLimit must be positive")
        }
        self.registry = registry
        self.maximumConcurrentRows = maximumConcurrentRows
        self.rowTimeLimit = rowTimeLimit
    }

    /// Scores every row with each function and aggregates per function.
    ///
    /// - Parameters:
    ///   - rows: The input rows.
    ///   - functions: Function identifiers, each with parameters for this call or `nil` for its defaults. Given
    ///     parameters replace the defaults for this call only; an empty aggregation list keeps the default ones.
    /// - Returns: The results by function identifier.
    /// - Throws: ``ScoringError`` `unknownFunction` before any row is scored; `CancellationError`.
    public func score(rows: [InputRow], functions: [String: ScoringParameters?]) async throws -> [String: ScoringResult] {
        var resolved: [(String, any ScoringFunction, ScoringParameters)] = []
        for (identifier, override) in functions.sorted(by: { $0.key < $1.key }) {
            let function = try await registry.function(identifier)
            var parameters = override ?? function.definition.parameters
            if parameters.aggregations.isEmpty { parameters.aggregations = function.definition.parameters.aggregations }
            resolved.append((identifier, function, parameters))
        }
        var results: [String: ScoringResult] = [:]
        for (identifier, function, parameters) in resolved {
            let scored = try await scoreRows(rows, with: function, parameters: parameters)
            var aggregated: AggregatedResult = [:]
            for aggregation in parameters.aggregations {
                aggregated.merge(aggregation.aggregate(scored)) { _, new in new }
            }
            results[identifier] = ScoringResult(scoreRows: scored, aggregatedResults: aggregated)
        }
        return results
    }

    /// Scores one row with one function, within the time limit.
    ///
    /// - Throws: the function's error, ``ScoringError`` `timedOut` or `unknownFunction`; `CancellationError`.
    public func scoreRow(_ row: InputRow, function identifier: String, parameters: ScoringParameters? = nil) async throws -> ScoreRow {
        let function = try await registry.function(identifier)
        return try await limited(row, function: function, parameters: parameters ?? function.definition.parameters)
    }

    private func scoreRows(_ rows: [InputRow], with function: any ScoringFunction, parameters: ScoringParameters) async throws -> [ScoreRow] {
        var results = [ScoreRow?](repeating: nil, count: rows.count)
        try await withThrowingTaskGroup(of: (Int, ScoreRow).self) { group in
            var next = 0
            func startNext() {
                guard next < rows.count else { return }
                let index = next
                next += 1
                group.addTask {
                    do {
                        return (index, try await limited(rows[index], function: function, parameters: parameters))
                    } catch is CancellationError where Task.isCancelled {
                        throw CancellationError()
                    } catch {
                        return (index, ["score": .null, "error": .string("\(error)")])
                    }
                }
            }
            for _ in 0..<min(maximumConcurrentRows, rows.count) { startNext() }
            while let (index, row) = try await group.next() {
                results[index] = row
                startNext()
            }
        }
        return results.map { $0 ?? ["score": .null] }
    }

    private func limited(_ row: InputRow, function: any ScoringFunction, parameters: ScoringParameters) async throws -> ScoreRow {
        guard let rowTimeLimit else { return try await function.scoreRow(row, parameters: parameters) }
        return try await withThrowingTaskGroup(of: ScoreRow?.self) { group in
            group.addTask { try await function.scoreRow(row, parameters: parameters) }
            group.addTask {
                try await Task.sleep(for: rowTimeLimit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { return ["score": .null] }
            guard let scored = first else {
                throw ScoringError(code: .timedOut, message: "\(function.definition.identifier): scoring the row took longer than \(rowTimeLimit)")
            }
            return scored
        }
    }
}
