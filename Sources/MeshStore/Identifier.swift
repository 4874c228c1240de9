/// Random identifiers for events and records.
public enum Identifier {
    /// Returns `prefix`, an underscore and 128 random bits as 32 lowercase hex digits, for example
    /// `evt_3f9c0a...`. The bits come from `SystemRandomNumberGenerator`, the operating system's
    /// cryptographic source.
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return prefix + "_" + hex16(high) + hex16(low)
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
