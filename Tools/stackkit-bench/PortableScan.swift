import CVectorKernels

/// The vector-search baseline: the same exact scan with the portable C kernel (no AVX) and a full sort of the
/// scores' top candidates, on vectors that are already unit length (cosine = dot product).
struct PortableScan {
    let vectors: [Float]
    let dimension: Int

    /// Row indexes of the best `k`, ties by index.
    func search(_ query: [Float], k: Int) -> [Int] {
        let rows = vectors.count / dimension
        var scores = [Float](repeating: 0, count: rows)
        let ran = vectors.withUnsafeBufferPointer { matrix in
            scores.withUnsafeMutableBufferPointer { out in
                stackkit_dot_rows_at(STACKKIT_KERNEL_PORTABLE, matrix.baseAddress, rows, dimension, query, out.baseAddress)
            }
        }
        precondition(ran == 1, "the portable kernel always runs")
        // Selection by a bounded insertion list: k is small.
        var best: [(Int, Float)] = []
        best.reserveCapacity(k + 1)
        for (row, score) in scores.enumerated() {
            if best.count == k, let last = best.last, score <= last.1 { continue }
            let position = best.firstIndex { score > $0.1 } ?? best.count
            best.insert((row, score), at: position)
            if best.count > k { best.removeLast() }
        }
        return best.map(\.0)
    }
}
