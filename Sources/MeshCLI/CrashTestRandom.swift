/// A seeded random number generator (SplitMix64), so `mesh crashtest --seed N` picks the same victims
/// and the same operations again.
///
/// The timing of a run still differs from one run to the next, so a seed repeats the plan, not every
/// interleaving.
struct CrashTestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for one part of the run (a writer, the chaos task), independent of the others.
    func derived(_ stream: UInt64) -> CrashTestRandom {
        var copy = CrashTestRandom(seed: state ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = copy.next()
        return copy
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
