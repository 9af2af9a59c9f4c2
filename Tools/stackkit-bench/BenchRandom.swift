/// A small, fast, seedable random number generator (SplitMix64), so that our run and its baseline draw the same
/// key sequences and no lock or system call sits in a measured loop.
struct BenchRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator for stream `stream` (a task's index) of the measurement seeded with `seed`.
    init(seed: UInt64, stream: Int) {
        self.state = seed &+ UInt64(stream) &* 0xD1B5_4A32_D192_ED03
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`; `bound` must be positive. (The modulo bias is below 10⁻¹⁵ for our bounds.)
    mutating func next(below bound: Int) -> Int {
        Int(self.next() % UInt64(bound))
    }

    /// A number in `[0, 1)` with 53 random bits.
    mutating func nextDouble() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// The seed of one measurement: the same for our run and its baseline, different for every operation, task
    /// count and run.
    static func seed(operation: KVOperation, tasks: Int, run: Int) -> UInt64 {
        let operationIndex = UInt64(KVOperation.allCases.firstIndex(of: operation) ?? 0)
        return 0x5EED_0000_0000_0000 | UInt64(run) << 32 | operationIndex << 24 | UInt64(tasks)
    }
}
