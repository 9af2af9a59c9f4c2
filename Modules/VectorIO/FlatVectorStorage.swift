import CVectorKernels

/// Contiguous `Float32` rows with the norms each metric needs, scored by the C kernels.
///
/// Slots are dense: removing a slot moves the last row into it.
struct FlatVectorStorage: Sendable {
    let dimension: Int
    let metric: DistanceMetric
    private(set) var vectors: [Float] = []
    /// `1/‖v‖` per row (0 for a zero vector), for cosine.
    private(set) var inverseNorms: [Float] = []
    /// `‖v‖²` per row, for Euclidean distance.
    private(set) var squaredNorms: [Float] = []

    /// Rows scored per kernel call, so a block of batch scores stays in cache.
    static let blockRows = 4096

    init(dimension: Int, metric: DistanceMetric) {
        self.dimension = dimension
        self.metric = metric
    }

    var count: Int { inverseNorms.count }

    mutating func reserve(_ rows: Int) {
        vectors.reserveCapacity(rows * dimension)
        inverseNorms.reserveCapacity(rows)
        squaredNorms.reserveCapacity(rows)
    }

    mutating func append(_ embedding: [Float]) {
        vectors.append(contentsOf: embedding)
        let squared = Self.squaredNorm(embedding)
        squaredNorms.append(squared)
        inverseNorms.append(squared > 0 ? 1 / squared.squareRoot() : 0)
    }

    mutating func replace(_ slot: Int, with embedding: [Float]) {
        vectors.replaceSubrange(slot * dimension..<(slot + 1) * dimension, with: embedding)
        let squared = Self.squaredNorm(embedding)
        squaredNorms[slot] = squared
        inverseNorms[slot] = squared > 0 ? 1 / squared.squareRoot() : 0
    }

    /// Removes `slot` by moving the last row into it.
    mutating func remove(_ slot: Int) {
        let last = count - 1
        if slot != last {
            vectors.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                (base + slot * dimension).update(from: base + last * dimension, count: dimension)
            }
            squaredNorms[slot] = squaredNorms[last]
            inverseNorms[slot] = inverseNorms[last]
        }
        vectors.removeLast(dimension)
        squaredNorms.removeLast()
        inverseNorms.removeLast()
    }

    func embedding(at slot: Int) -> [Float] {
        Array(vectors[slot * dimension..<(slot + 1) * dimension])
    }

    /// The best `k` slots for each query among `rows` that `include` admits and whose score reaches `threshold`.
    ///
    /// - Parameters:
    ///   - queries: Query vectors of ``dimension`` values each.
    ///   - rows: The slots to scan.
    ///   - better: The ranking order of two entries (score, then id).
    /// - Returns: Per query, the entries best first.
    func search(
        _ queries: [[Float]],
        rows: Range<Int>,
        k: Int,
        threshold: Float?,
        include: ((Int) -> Bool)?,
        better: @escaping (TopK.Entry, TopK.Entry) -> Bool
    ) -> [[TopK.Entry]] {
        var heaps = queries.map { _ in TopK(k: k, better: better) }
        guard !rows.isEmpty, !queries.isEmpty else { return heaps.map { $0.sorted() } }
        let prepared = queries.map(prepare)
        let flat = prepared.flatMap(\.vector)
        let block = Self.blockRows
        var scores = [Float](repeating: 0, count: min(block, rows.count) * queries.count)
        vectors.withUnsafeBufferPointer { matrix in
            flat.withUnsafeBufferPointer { queryBuffer in
                scores.withUnsafeMutableBufferPointer { out in
                    var start = rows.lowerBound
                    while start < rows.upperBound {
                        let length = min(block, rows.upperBound - start)
                        let rowsBase = matrix.baseAddress! + start * dimension
                        if queries.count == 1 {
                            stackkit_dot_rows(rowsBase, length, dimension, queryBuffer.baseAddress!, out.baseAddress!)
                        } else {
                            stackkit_dot_rows_batch(
                                rowsBase, length, dimension, queryBuffer.baseAddress!, queries.count, out.baseAddress!
                            )
                        }
                        for q in 0..<queries.count {
                            let queryScores = out.baseAddress! + q * length
                            for offset in 0..<length {
                                let slot = start + offset
                                let score = finish(queryScores[offset], slot: slot, query: prepared[q])
                                if let threshold, score < threshold { continue }
                                if let floor = heaps[q].floor, score < floor { continue }
                                if let include, !include(slot) { continue }
                                heaps[q].offer(TopK.Entry(slot: slot, score: score))
                            }
                        }
                        start += length
                    }
                }
            }
        }
        return heaps.map { $0.sorted() }
    }

    /// Floats scanned per part below which a search runs on one task: splitting a small scan costs more than it
    /// saves.
    static let parallelThreshold = 1 << 21

    /// ``search(_:rows:k:threshold:include:better:)`` over every row, split across up to `parallelism` child tasks
    /// for large indexes (each scans a contiguous range and keeps its own best `k`; the parts are merged).
    func search(
        _ queries: [[Float]],
        k: Int,
        threshold: Float?,
        parallelism: Int,
        include: (@Sendable (Int) -> Bool)?,
        better: @escaping @Sendable (TopK.Entry, TopK.Entry) -> Bool
    ) async -> [[TopK.Entry]] {
        let total = count
        let parts = max(1, min(parallelism, total * dimension * max(1, queries.count) / Self.parallelThreshold))
        if parts == 1 {
            return search(queries, rows: 0..<total, k: k, threshold: threshold, include: include, better: better)
        }
        let size = (total + parts - 1) / parts
        let ranges = stride(from: 0, to: total, by: size).map { $0..<min($0 + size, total) }
        let partials = await withTaskGroup(of: [[TopK.Entry]].self) { group in
            for range in ranges {
                group.addTask {
                    self.search(queries, rows: range, k: k, threshold: threshold, include: include, better: better)
                }
            }
            var all: [[[TopK.Entry]]] = []
            for await partial in group { all.append(partial) }
            return all
        }
        return queries.indices.map { q in
            var merged = TopK(k: k, better: better)
            for partial in partials {
                for entry in partial[q] { merged.offer(entry) }
            }
            return merged.sorted()
        }
    }

    /// A query as the kernel takes it: unit length for cosine, as given otherwise, with its squared norm.
    private struct PreparedQuery {
        var vector: [Float]
        var squaredNorm: Float
    }

    private func prepare(_ query: [Float]) -> PreparedQuery {
        let squared = Self.squaredNorm(query)
        switch metric {
        case .cosine:
            let inverse: Float = squared > 0 ? 1 / squared.squareRoot() : 0
            return PreparedQuery(vector: query.map { $0 * inverse }, squaredNorm: 1)
        case .dotProduct, .euclidean:
            return PreparedQuery(vector: query, squaredNorm: squared)
        }
    }

    /// The score of a row from its dot product with the prepared query.
    @inline(__always)
    private func finish(_ dot: Float, slot: Int, query: PreparedQuery) -> Float {
        switch metric {
        case .cosine:
            return dot * inverseNorms[slot]
        case .dotProduct:
            return dot
        case .euclidean:
            let squaredDistance = max(0, query.squaredNorm + squaredNorms[slot] - 2 * dot)
            return 1 / (1 + squaredDistance.squareRoot())
        }
    }

    static func squaredNorm(_ vector: [Float]) -> Float {
        var sum: Float = 0
        for value in vector { sum += value * value }
        return sum
    }
}
