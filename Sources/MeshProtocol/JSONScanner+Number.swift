extension JSONScanner {
    /// Parses a number: an exact `.int` when it is an integer inside Int64, otherwise a `.double`.
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var isInteger = true

        if bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw JSONParseError(.syntax, offset: index, "a number needs digits")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) {
                throw JSONParseError(.syntax, offset: index, "numbers must not have leading zeros")
            }
        } else {
            skipDigits()
        }

        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw JSONParseError(.syntax, offset: index, "a decimal point must be followed by digits")
            }
            skipDigits()
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw JSONParseError(.syntax, offset: index, "an exponent needs digits")
            }
            skipDigits()
        }

        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let exact = Int64(text) {
            return .int(exact)
        }
        guard let number = Double(text), number.isFinite else {
            let printed = text.count > 40 ? "\(text.prefix(40))... (\(text.count) characters)" : text
            throw JSONParseError(
                .numberOutOfRange, offset: start, "number \(printed) is out of the range of a 64-bit float")
        }
        return .double(number)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count && isDigit(bytes[index]) {
            index += 1
        }
    }
}
