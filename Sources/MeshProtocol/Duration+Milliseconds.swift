extension Duration {
    /// The duration in whole milliseconds, rounded toward zero. A duration beyond what `Int64` can
    /// count in milliseconds (about 292 million years) gives `Int64.max` or `Int64.min`.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else {
            return seconds < 0 ? .min : .max
        }

        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        guard !carry else {
            return seconds < 0 ? .min : .max
        }
        return total
    }
}
