/// Writes compact JSON. Object members come out sorted by key, so equal values give equal bytes.
public enum JSONWriter {
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(value, to: &output)
        return output
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    public static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number):
            appendInteger(number, to: &output)
        case .double(let number):
            appendDouble(number, to: &output)
        case .string(let text):
            appendString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 {
                    output.append(UInt8(ascii: ","))
                }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in members.sorted(by: { precedes($0.key, $1.key) }) {
                if !first {
                    output.append(UInt8(ascii: ","))
                }
                first = false
                appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(member, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Orders keys by their UTF-8 bytes. It compares the contiguous bytes, because the generic
    /// `lexicographicallyPrecedes` over two `UTF8View`s took about a tenth of the gateway's CPU time.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                let shared = min(leftBytes.count, rightBytes.count)
                for offset in 0..<shared where leftBytes[offset] != rightBytes[offset] {
                    return leftBytes[offset] < rightBytes[offset]
                }
                return leftBytes.count < rightBytes.count
            }
        }
    }

    public static func appendInteger(_ number: Int64, to output: inout [UInt8]) {
        if number >= 0 && number < 10 {
            output.append(UInt8(ascii: "0") + UInt8(number))
            return
        }
        output.append(contentsOf: String(number).utf8)
    }

    /// Writes a double so that parsing it gives the same value back; non-finite values become null.
    static func appendDouble(_ number: Double, to output: inout [UInt8]) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number.rounded() == number && abs(number) < 1e15 {
            // Int64 has no negative zero, so its sign is written by hand.
            if number == 0 && number.sign == .minus {
                output.append(UInt8(ascii: "-"))
            }
            output.append(contentsOf: String(Int64(number)).utf8)
            output.append(contentsOf: ".0".utf8)
            return
        }
        output.append(contentsOf: "\(number)".utf8)
    }

    /// Writes `text` as a JSON string. Runs of bytes that need no escape are copied in one piece.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for (offset, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                if runStart < offset {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
                }
                appendEscaped(byte, to: &output)
                runStart = offset + 1
            }
            if runStart < bytes.count {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""):
            output.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"):
            output.append(contentsOf: [0x5C, 0x5C])
        case 0x0A:
            output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D:
            output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09:
            output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let digits = Array("0123456789abcdef".utf8)
            output.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
    }
}
