import CCrypto

/// Hashing and random secrets for API keys and invitation tokens, through OpenSSL's libcrypto.
///
/// Only the SHA-256 of a secret is ever stored. Secrets carry 128 bits from `RAND_bytes`, so a plain
/// (unsalted) SHA-256 is enough: there is no dictionary to attack.
public enum SecretHash {
    /// The SHA-256 of `text`'s UTF-8 bytes as 64 lowercase hex characters.
    public static func sha256Hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return hex(digest)
    }

    /// `count` random bytes from libcrypto's CSPRNG, as lowercase hex.
    public static func randomHex(bytes count: Int = 16) -> String {
        var buffer = [UInt8](repeating: 0, count: count)
        let status = buffer.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(status == 1, "RAND_bytes failed; the system random source is unavailable")
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
