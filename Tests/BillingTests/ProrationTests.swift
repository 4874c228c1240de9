import Testing

@testable import Billing

@Suite("Proration and rounding")
struct ProrationTests {
    struct Case: Sendable, CustomStringConvertible {
        let value: Int64
        let factor: Int64
        let divisor: Int64
        let expected: Int64

        var description: String {
            "\(value) * \(factor) / \(divisor) = \(expected)"
        }
    }

    static let cases: [Case] = [
        Case(value: 4_000, factor: 1, divisor: 2, expected: 2_000),
        // Exactly half a cent goes away from zero, in both directions.
        Case(value: 1, factor: 1, divisor: 2, expected: 1),
        Case(value: -1, factor: 1, divisor: 2, expected: -1),
        Case(value: 3, factor: 1, divisor: 2, expected: 2),
        Case(value: -3, factor: 1, divisor: 2, expected: -2),
        Case(value: 5, factor: 1, divisor: 10, expected: 1),
        // Below half goes toward zero, above half away from it.
        Case(value: 1_000, factor: 1, divisor: 3, expected: 333),
        Case(value: -1_000, factor: 1, divisor: 3, expected: -333),
        Case(value: 2_000, factor: 1, divisor: 3, expected: 667),
        Case(value: -2_000, factor: 1, divisor: 3, expected: -667),
        Case(value: 4_000, factor: 22, divisor: 31, expected: 2_839),
        Case(value: 4, factor: 1, divisor: 10, expected: 0),
        // No remaining time, all of it, and nothing to share.
        Case(value: 19_000, factor: 0, divisor: 2_592_000_000, expected: 0),
        Case(value: 19_000, factor: 2_592_000_000, divisor: 2_592_000_000, expected: 19_000),
        Case(value: 0, factor: 5, divisor: 7, expected: 0),
        // The product exceeds 64 bits; the 128-bit intermediate keeps it exact.
        Case(value: 9_000_000_000_000_000_000, factor: 3, divisor: 4, expected: 6_750_000_000_000_000_000),
        Case(value: -9_000_000_000_000_000_000, factor: 1, divisor: 3, expected: -3_000_000_000_000_000_000),
        Case(value: Int64.max, factor: Int64.max - 1, divisor: Int64.max, expected: Int64.max - 1),
    ]

    @Test("rounds half away from zero", arguments: cases)
    func rounding(_ row: Case) {
        #expect(CentsRounding.scale(row.value, by: row.factor, over: row.divisor) == row.expected)
    }

    @Test("halfway upgrade charges half")
    func halfway() {
        let period = BillingCalendar(startMs: Fixture.utc(2026, 4, 1)).period(0)
        let proration = Proration(differenceCents: 5_000 - 1_000, period: period, changeAtMs: Fixture.utc(2026, 4, 16))

        #expect(proration.remainingMs == 15 * Fixture.dayMs)
        #expect(proration.amountCents == 2_000)
        #expect(proration.remainingPercentText == "50.00%")
    }

    @Test("change outside the period")
    func outsideThePeriod() {
        let period = BillingCalendar(startMs: Fixture.utc(2026, 4, 1)).period(0)

        let before = Proration(differenceCents: -4_000, period: period, changeAtMs: Fixture.utc(2026, 3, 20))
        let after = Proration(differenceCents: -4_000, period: period, changeAtMs: Fixture.utc(2026, 5, 2))

        #expect(before.amountCents == -4_000)
        #expect(after.amountCents == 0)
    }
}
