extension JSONScanner {
    /// Parses a string starting at the opening quote, validating UTF-8 and escapes.
    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index

        // Fast path: no escapes, ASCII only, until the closing quote.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte >= 0x80 || byte < 0x20 {
                break
            }
            index += 1
        }

        var output: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &output)
            case 0x00..<0x20:
                throw JSONParseError(.syntax, offset: index, "control character in a string must be escaped")
            case 0x80...:
                try copyUTF8Sequence(into: &output)
            default:
                output.append(byte)
                index += 1
            }
        }
        throw JSONParseError(.syntax, offset: index, "unterminated string")
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(JSONParseError) {
        index += 1
        guard index < bytes.count else {
            throw JSONParseError(.syntax, offset: index, "unterminated escape")
        }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "/"): output.append(0x2F)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape()
            appendUTF8(scalar, to: &output)
        default:
            throw JSONParseError(.syntax, offset: index - 1, "invalid escape '\\\(String(UnicodeScalar(escape)))'")
        }
    }

    /// Parses the hex digits after `\u`, joining a surrogate pair into one scalar.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> UInt32 {
        let first = try parseHex4()
        if first >= 0xDC00 && first <= 0xDFFF {
            throw JSONParseError(.loneSurrogate, offset: index - 6, "lone low surrogate \\u\(String(first, radix: 16))")
        }
        guard first >= 0xD800 && first <= 0xDBFF else {
            return first
        }

        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw JSONParseError(.loneSurrogate, offset: index, "high surrogate not followed by a low surrogate")
        }
        index += 2
        let second = try parseHex4()
        guard second >= 0xDC00 && second <= 0xDFFF else {
            throw JSONParseError(.loneSurrogate, offset: index - 6, "high surrogate not followed by a low surrogate")
        }
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else {
            throw JSONParseError(.syntax, offset: index, "\\u escape needs four hex digits")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONParseError(.syntax, offset: index, "\\u escape needs four hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Copies one multi-byte UTF-8 sequence after checking it is well-formed (no overlongs, no
    /// encoded surrogates, nothing above U+10FFFF).
    private mutating func copyUTF8Sequence(into output: inout [UInt8]) throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var lowest: UInt8 = 0x80
        var highest: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0:
            length = 3
            lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF:
            length = 3
        case 0xED:
            length = 3
            highest = 0x9F
        case 0xF0:
            length = 4
            lowest = 0x90
        case 0xF1...0xF3:
            length = 4
        case 0xF4:
            length = 4
            highest = 0x8F
        default:
            throw JSONParseError(.invalidUTF8, offset: index, "invalid UTF-8 lead byte 0x\(String(lead, radix: 16))")
        }

        guard bytes.count - index >= length else {
            throw JSONParseError(.invalidUTF8, offset: index, "truncated UTF-8 sequence")
        }
        let second = bytes[index + 1]
        guard second >= lowest && second <= highest else {
            throw JSONParseError(.invalidUTF8, offset: index + 1, "invalid UTF-8 continuation byte")
        }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
            throw JSONParseError(.invalidUTF8, offset: index + offset, "invalid UTF-8 continuation byte")
        }
        for offset in 0..<length {
            output.append(bytes[index + offset])
        }
        index += length
    }
}
