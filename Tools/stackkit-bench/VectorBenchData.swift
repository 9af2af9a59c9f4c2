import StorageRefs
import VectorIO

/// The benchmark's data: seeded random unit vectors, query vectors, chunk texts drawn from a Zipf-like vocabulary,
/// and two-word keyword queries.
struct VectorBenchData {
    let count: Int
    let dimension: Int
    /// Every vector, row after row.
    let flatVectors: [Float]
    let queries: [[Float]]
    private let vocabulary: [String]
    private let seed: UInt64

    init(count: Int, dimension: Int, queryCount: Int, seed: UInt64) {
        self.count = count
        self.dimension = dimension
        self.seed = seed
        var random = BenchRandom(seed: seed, stream: 0)
        var flat = [Float](repeating: 0, count: count * dimension)
        for row in 0..<count {
            Self.fillUnitVector(&flat, at: row * dimension, dimension: dimension, random: &random)
        }
        flatVectors = flat
        var queryFlat = [Float](repeating: 0, count: queryCount * dimension)
        for row in 0..<queryCount {
            Self.fillUnitVector(&queryFlat, at: row * dimension, dimension: dimension, random: &random)
        }
        queries = (0..<queryCount).map { Array(queryFlat[$0 * dimension..<($0 + 1) * dimension]) }
        // Pronounceable words, so the stemmer treats them like words.
        let syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "ge", "zu", "ba", "fe", "ni", "to"]
        vocabulary = (0..<4_096).map { syllables[$0 & 15] + syllables[($0 >> 4) & 15] + syllables[($0 >> 8) & 15] + "n" }
    }

    private static func fillUnitVector(_ flat: inout [Float], at offset: Int, dimension: Int, random: inout BenchRandom) {
        var norm: Float = 0
        for i in 0..<dimension {
            let value = Float(random.nextDouble() * 2 - 1)
            flat[offset + i] = value
            norm += value * value
        }
        let inverse = 1 / norm.squareRoot()
        for i in 0..<dimension { flat[offset + i] *= inverse }
    }

    /// A word skewed towards small indexes (frequent words: index = u³ · 4,096), deterministic in `n` and `position`.
    private func word(_ n: Int, _ position: Int) -> String {
        var random = BenchRandom(seed: seed, stream: n &* 64 &+ position)
        let u = random.nextDouble()
        return vocabulary[min(vocabulary.count - 1, Int(u * u * u * Double(vocabulary.count)))]
    }

    /// Chunk `n`'s text: 40 words.
    func text(_ n: Int) -> String {
        (0..<40).map { word(n, $0) }.joined(separator: " ")
    }

    /// Keyword query `n`: two words drawn uniformly from the vocabulary (queries name content words, which are
    /// rarer than the texts' most frequent ones).
    func keywordQuery(_ n: Int) -> String {
        var random = BenchRandom(seed: seed, stream: 1_000_000_000 + n)
        return vocabulary[random.next(below: vocabulary.count)] + " " + vocabulary[random.next(below: vocabulary.count)]
    }

    /// Chunk `n` with id `c<n>`.
    func chunk(_ n: Int, text: String) -> Chunk {
        Chunk(
            id: "c\(n)",
            documentID: "d\(n / 10)",
            content: text,
            metadata: ["n": .int(Int64(n))],
            embedding: Array(flatVectors[n * dimension..<(n + 1) * dimension])
        )
    }
}
