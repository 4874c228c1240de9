/// The one rounding rule for money: exact integer arithmetic, then half away from zero to whole cents.
///
/// `value * factor / divisor` is computed on a 128-bit product, so no intermediate result overflows
/// and no floating point is involved. A result exactly halfway between two cents moves away from zero:
/// 0.5 becomes 1 and -0.5 becomes -1, so a charge and the matching credit have the same magnitude.
public enum CentsRounding {
    /// `value * factor / divisor`, rounded half away from zero.
    ///
    /// - Precondition: `divisor > 0` and `factor.magnitude <= divisor.magnitude`, which keeps the
    ///   quotient within `value`'s range. Prorations always satisfy it (a fraction of at most one period).
    public static func scale(_ value: Int64, by factor: Int64, over divisor: Int64) -> Int64 {
        precondition(divisor > 0, "the divisor of a proration must be positive")
        precondition(factor.magnitude <= divisor.magnitude, "a proration fraction cannot exceed one")

        let product = value.multipliedFullWidth(by: factor)
        let (quotient, remainder) = divisor.dividingFullWidth(product)

        // The quotient was truncated toward zero and the remainder carries the product's sign; round
        // away from zero when the dropped part is at least half (2|r| >= d, written to avoid overflow).
        guard remainder != 0, remainder.magnitude >= divisor.magnitude - remainder.magnitude else {
            return quotient
        }
        return remainder < 0 ? quotient - 1 : quotient + 1
    }
}
