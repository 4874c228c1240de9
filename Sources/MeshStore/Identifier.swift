import Glibc

/// Identifiers for events and records, ordered by creation time.
///
/// An identifier is a prefix, an underscore and 32 lowercase hex digits, for example
/// `evt_0193a1f2c4e81b7d9e02a45f6c3b1d88`. The first 12 digits are the wall-clock time in milliseconds
/// since 1970, the other 20 are 80 random bits from the operating system's cryptographic source.
///
/// The time comes first so that new rows land at the end of every index on an identifier column. With
/// fully random identifiers each insert touched a different index page, and a group commit of a hundred
/// issues wrote several hundred pages to the WAL instead of a few dozen. Identifiers made in the same
/// millisecond are unordered among themselves, which costs nothing: they share the last page or two.
///
/// The time part reveals when a record was made, so an identifier is never a secret; tokens and keys
/// come from `SecretHash.randomHex` instead.
public enum Identifier {
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (generator.next() as UInt64, generator.next() as UInt64)

        let time = UInt64(max(0, currentMilliseconds())) & 0xFFFF_FFFF_FFFF
        let digits = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            writeHex(time, digits: 12, into: buffer, at: 0)
            writeHex(random.0, digits: 16, into: buffer, at: 12)
            writeHex(random.1, digits: 4, into: buffer, at: 28)
            count = 32
        }
        return prefix + "_" + String(decoding: digits, as: UTF8.self)
    }

    private static func currentMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeHex(
        _ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int
    ) {
        var remaining = value
        for index in stride(from: offset + digits - 1, through: offset, by: -1) {
            buffer[index] = hexDigits[Int(remaining & 0xF)]
            remaining >>= 4
        }
    }
}
