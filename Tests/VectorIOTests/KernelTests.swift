import CVectorKernels
import Testing

/// Every kernel variant the CPU supports against a double-precision reference, for dimensions around the SIMD
/// widths and row counts around the 4-row blocks.
@Suite("Dot-product kernels")
struct KernelTests {
    static let levels: [stackkit_kernel_level] = [STACKKIT_KERNEL_PORTABLE, STACKKIT_KERNEL_AVX2_FMA, STACKKIT_KERNEL_AVX512]

    static func reference(_ a: ArraySlice<Float>, _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test("single and batch kernels match the reference", arguments: [1, 7, 8, 15, 16, 17, 33, 384, 385])
    func matchesReference(dimension: Int) throws {
        let rows = 11
        let matrix = randomVectors(count: rows, dimension: dimension, seed: UInt64(dimension)).flatMap { $0 }
        let queries = randomVectors(count: 5, dimension: dimension, seed: UInt64(dimension) + 100)
        var ran = 0
        for level in Self.levels where stackkit_kernel_supports(level) != 0 {
            ran += 1
            var single = [Float](repeating: .nan, count: rows)
            #expect(stackkit_dot_rows_at(level, matrix, rows, dimension, queries[0], &single) == 1)
            var batch = [Float](repeating: .nan, count: rows * queries.count)
            #expect(stackkit_dot_rows_batch_at(level, matrix, rows, dimension, queries.flatMap { $0 }, queries.count, &batch) == 1)
            for r in 0..<rows {
                let row = matrix[r * dimension..<(r + 1) * dimension]
                let tolerance = 1e-5 * Double(dimension)
                #expect(abs(Double(single[r]) - Self.reference(row, queries[0])) < tolerance, "level \(level.rawValue) row \(r)")
                for q in 0..<queries.count {
                    #expect(abs(Double(batch[q * rows + r]) - Self.reference(row, queries[q])) < tolerance, "level \(level.rawValue) q \(q) row \(r)")
                }
            }
        }
        #expect(ran >= 1)
    }

    @Test("an unsupported level writes nothing and says so")
    func unsupportedLevel() {
        let bogus = stackkit_kernel_level(rawValue: 99)
        var out: [Float] = [42]
        #expect(stackkit_dot_rows_at(bogus, [1], 1, 1, [1], &out) == 0)
        #expect(out == [42])
        #expect(stackkit_kernel_supports(stackkit_kernel_best_level()) == 1)
    }
}
