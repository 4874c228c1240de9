import CCrypto

/// Hashing and random secrets for API keys and invitation tokens.
///
/// SHA-256 comes from Nettle, a small, well-kept C library. Random bytes come from the kernel's
/// CSPRNG through `getrandom` (`SystemRandomNumberGenerator`), which needs no generator state of its own.
/// Only the SHA-256 of a secret is ever stored. Secrets carry at least 96 random bits, so a plain
/// (unsalted) SHA-256 is enough: there is no dictionary to attack.
public enum SecretHash {
    /// The SHA-256 of `text`'s UTF-8 bytes as 64 lowercase hex characters.
    public static func sha256Hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                ccrypto_sha256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return hex(digest)
    }

    /// Returns `count` random bytes from the kernel's CSPRNG as lowercase hex.
    public static func randomHex(bytes count: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(count)
        while buffer.count < count {
            let word: UInt64 = generator.next()
            withUnsafeBytes(of: word) { buffer.append(contentsOf: $0.prefix(count - buffer.count)) }
        }
        return hex(buffer)
    }

    /// Compares two strings in time that depends only on their lengths, for hash comparison.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else {
            return false
        }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
