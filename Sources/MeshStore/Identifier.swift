import Glibc
import Synchronization

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
/// come from `SecretHash.randomHex` instead. The random bits are read from the kernel 4 KiB at a time
/// (`arc4random_buf`) and handed out in order: reading them per identifier cost two system calls for
/// each of the three identifiers an issue creation makes.
public enum Identifier {
    private static let pool = Mutex(RandomPool())

    public static func make(prefix: String) -> String {
        let random = pool.withLock { $0.next() }

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

/// Random bytes from the kernel's CSPRNG, read a block at a time.
private struct RandomPool {
    private var bytes = [UInt8](repeating: 0, count: 4096)
    private var offset = 4096

    /// Returns 80 random bits: 64 in the first value and 16 in the low bits of the second.
    mutating func next() -> (UInt64, UInt64) {
        if offset + 10 > bytes.count {
            refill()
        }

        var first: UInt64 = 0
        for index in 0..<8 {
            first = first << 8 | UInt64(bytes[offset + index])
        }
        let second = UInt64(bytes[offset + 8]) << 8 | UInt64(bytes[offset + 9])
        offset += 10
        return (first, second)
    }

    private mutating func refill() {
        // glibc's arc4random_buf fills the whole block from the kernel's getrandom.
        bytes.withUnsafeMutableBytes { buffer in
            arc4random_buf(buffer.baseAddress!, buffer.count)
        }
        offset = 0
    }
}
