import MeshRuntime

/// A calendar date written `YYYY-MM-DD`, the form of `date` custom field values.
///
/// Only real dates of the proleptic Gregorian calendar parse: `2024-02-29` does, `2023-02-29` and
/// `2024-13-01` do not. Years run from 0001 to 9999.
public struct CustomFieldDate: Sendable, Hashable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `text`, or returns nil when it is not exactly `YYYY-MM-DD` or names no real day.
    public init?(_ text: String) {
        let characters = Array(text.utf8)
        guard characters.count == 10, characters[4] == UInt8(ascii: "-"), characters[7] == UInt8(ascii: "-") else {
            return nil
        }

        guard let year = Self.number(characters[0..<4]),
            let month = Self.number(characters[5..<7]),
            let day = Self.number(characters[8..<10])
        else {
            return nil
        }

        guard year >= 1, (1...12).contains(month), day >= 1, day <= UTCTime.daysInMonth(year: Int64(year), month: month)
        else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                return nil
            }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
