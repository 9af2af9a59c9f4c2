import CEmbeddingKernels
import Foundation
import Testing

/// Every kernel level this CPU has gives the portable variant's results.
@Suite("Embedding kernels")
struct KernelLevelTests {
    /// A deterministic generator (SplitMix64), so a failure reproduces.
    struct Numbers {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24) - 0.5
        }
        mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    }

    static let levels: [sk_embed_level] = [SK_EMBED_PORTABLE, SK_EMBED_AVX2_FMA, SK_EMBED_AVX512]

    @Test("packed matrix multiply equals a double-precision reference at every level, edges and accumulation included",
          arguments: [(1, 16, 8), (5, 17, 3), (13, 48, 384), (29, 32, 1536), (100, 17, 40), (50, 40, 500)])
    func gemm(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var numbers = Numbers(state: UInt64(m * 1_000_003 + n * 1009 + k))
        let a = numbers.array(m * k), w = numbers.array(n * k), bias = numbers.array(n), start = numbers.array(m * n)
        var packed = [Float](repeating: .nan, count: sk_packed_weights_count(n, k))
        sk_pack_weights(w, n, k, &packed)
        for accumulate in [false, true] {
            var expected = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = Double(bias[j]) + (accumulate ? Double(start[i * n + j]) : 0)
                    for kk in 0..<k { sum += Double(a[i * k + kk]) * Double(w[j * k + kk]) }
                    expected[i * n + j] = sum
                }
            }
            for level in Self.levels where sk_embed_supports(level) != 0 {
                var c = start
                #expect(sk_gemm_packed_at(level, m, n, k, a, k, packed, bias, &c, n, accumulate ? 1 : 0) == 1)
                let worst = zip(c, expected).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
                #expect(worst < 1e-4 * Double(k).squareRoot(), "level \(level.rawValue), accumulate \(accumulate): \(worst)")
            }
        }
    }

    @Test("a level the CPU lacks writes nothing and says so")
    func unsupportedLevel() {
        for level in Self.levels where sk_embed_supports(level) == 0 {
            var x: [Float] = [1, 2]
            #expect(sk_gelu_at(level, &x, 2) == 0)
            #expect(x == [1, 2])
        }
        #expect(sk_embed_supports(SK_EMBED_PORTABLE) == 1)
        #expect(sk_embed_supports(sk_embed_best_level()) == 1)
    }

    @Test("GELU matches x·Φ(x) with erf to 1e-6 over [-10, 10] at every level")
    func gelu() {
        let inputs = (0...4000).map { Float($0 - 2000) / 200 }
        for level in Self.levels where sk_embed_supports(level) != 0 {
            var x = inputs
            #expect(sk_gelu_at(level, &x, x.count) == 1)
            for (input, output) in zip(inputs, x) {
                let exact = 0.5 * Double(input) * (1 + erf(Double(input) / 2.0.squareRoot()))
                #expect(abs(Double(output) - exact) < 1e-6, "level \(level.rawValue), x = \(input)")
            }
        }
    }

    @Test("attention of one head matches a double-precision softmax at every level", arguments: [1, 7, 64, 257])
    func attention(length: Int) {
        let hidden = 96, headSize = 32, ld = 3 * hidden
        var numbers = Numbers(state: UInt64(length))
        let qkv = numbers.array(length * ld).map { $0 * 6 }
        let scale = 1 / Float(headSize).squareRoot()
        var expected = [Double](repeating: 0, count: length * headSize)
        for i in 0..<length {
            let scores = (0..<length).map { (j: Int) -> Double in
                var dot = 0.0
                for d in 0..<headSize { dot += Double(qkv[i * ld + d]) * Double(qkv[j * ld + hidden + d]) }
                return dot * Double(scale)
            }
            let top = scores.max()!
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            for d in 0..<headSize {
                var sum = 0.0
                for j in 0..<length {
                    let value = Double(qkv[j * ld + 2 * hidden + d])
                    sum += weights[j] / total * value
                }
                expected[i * headSize + d] = sum
            }
        }
        for level in Self.levels where sk_embed_supports(level) != 0 {
            var out = [Float](repeating: .nan, count: length * headSize)
            var scratch = [Float](repeating: 0, count: length)
            qkv.withUnsafeBufferPointer { q in
                _ = sk_attention_head_at(level, q.baseAddress, q.baseAddress! + hidden, q.baseAddress! + 2 * hidden, ld, length,
                                         headSize, scale, &out, headSize, &scratch)
            }
            let worst = zip(out, expected).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
            #expect(worst < 1e-5, "level \(level.rawValue): \(worst)")
        }
    }

    @Test("layer norm: zero mean, unit variance before the affine step")
    func layerNorm() {
        var numbers = Numbers(state: 7)
        var x = numbers.array(3 * 384).map { $0 * 50 + 3 }
        let gamma = [Float](repeating: 2, count: 384), beta = [Float](repeating: 1, count: 384)
        sk_layer_norm(&x, 3, 384, 384, gamma, beta, 1e-12)
        for row in 0..<3 {
            let values = x[(row * 384)..<((row + 1) * 384)].map { Double(($0 - 1) / 2) }
            let mean = values.reduce(0, +) / 384
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 384
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-4)
        }
    }
}
