/// A strict RFC 8259 parser working directly on bytes.
///
/// It rejects everything the RFC does not allow (trailing commas, leading zeros, NaN, control
/// characters in strings, invalid UTF-8, lone surrogates, a byte-order mark) and caps nesting at
/// `maximumDepth`, so hostile input gets an error instead of a stack overflow. Integers that fit in
/// 64 bits stay exact, and a number that overflows a Double is rejected. Duplicate member names are
/// reported as `.duplicateKey`, but only when the rest of the text is well-formed.
///
/// NOTE: member names are compared as Swift strings, that is after Unicode canonical equivalence, so
/// two names differing only in normalization (U+00E9 and "e" + U+0301) count as duplicates.
public enum JSONParser {
    public static let maximumDepth = 512

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var scanner = JSONScanner(bytes: bytes.bindMemory(to: UInt8.self))
        return try scanner.parseDocument()
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            var scanner = JSONScanner(bytes: buffer)
            return try scanner.parseDocument()
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// The parser's cursor over one buffer.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// The first repeated member name, reported only once the whole text has proved well-formed, so a
    /// text that is both malformed and has a duplicate is reported as malformed.
    var firstDuplicate: JSONParseError?

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else {
            throw JSONParseError(.empty, offset: index, "empty JSON text")
        }
        let value = try parseValue()
        try finishDocument()
        return value
    }

    /// Checks that only whitespace follows the value, then reports a repeated member name, which
    /// counts only once the whole text has proved well-formed.
    mutating func finishDocument() throws(JSONParseError) {
        skipWhitespace()
        guard index == bytes.count else {
            throw JSONParseError(.trailingData, offset: index, "unexpected data after the JSON value")
        }
        if let firstDuplicate {
            throw firstDuplicate
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            default:
                return
            }
        }
    }

    func fail(_ message: String) -> JSONParseError {
        JSONParseError(.syntax, offset: index, message)
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else {
            throw fail("unexpected end of JSON text")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            if index == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
                throw fail("the text starts with a UTF-8 byte order mark (EF BB BF); send the JSON without it")
            }
            throw fail("unexpected \(unexpected(at: index))")
        }
    }

    /// Names what is at `position` where a value should start: a visible ASCII character quoted,
    /// any other character as `<U+XXXX>`, and a byte that starts no UTF-8 character by its hex value.
    private func unexpected(at position: Int) -> String {
        let byte = bytes[position]
        if byte >= 0x20 && byte < 0x7F {
            return "character '\(Character(UnicodeScalar(byte)))'"
        }
        var iterator = bytes[position..<min(position + 4, bytes.count)].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else {
            let hex = String(byte, radix: 16, uppercase: true)
            return "byte 0x\(hex.count < 2 ? "0" : "")\(hex), which starts no UTF-8 character"
        }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "character <U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)>"
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else {
            throw fail("invalid literal")
        }
        let expected = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw fail("invalid literal")
        }
        index += count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw JSONParseError(
                .depthLimitExceeded,
                offset: index,
                "nesting deeper than \(JSONParser.maximumDepth) levels"
            )
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([:])
        }

        // Room for eight members up front saves the three or four regrowths of a typical object.
        var members: [String: JSONValue] = Dictionary(minimumCapacity: 8)

        while true {
            let (key, keyOffset, value) = try parseMember()
            if members.updateValue(value, forKey: key) != nil {
                noteDuplicate(key, at: keyOffset)
            }
            if try !continueObject() {
                depth -= 1
                return .object(members)
            }
        }
    }

    /// Parses `"name": value` and returns the name, its offset and the value.
    mutating func parseMember() throws(JSONParseError) -> (key: String, offset: Int, value: JSONValue) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw fail("expected a member name in double quotes")
        }
        let keyOffset = index
        let key = try parseString()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw fail("expected ':' after a member name")
        }
        index += 1
        skipWhitespace()
        return (key, keyOffset, try parseValue())
    }

    /// Consumes the `,` or `}` after a member; returns whether another member follows.
    mutating func continueObject() throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else {
            throw fail("unterminated object")
        }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return false
        }
        throw fail("expected ',' or '}' in an object")
    }

    /// Remembers the first repeated member name, reported once the whole text proved well-formed.
    mutating func noteDuplicate(_ key: String, at offset: Int) {
        if firstDuplicate == nil {
            firstDuplicate = JSONParseError(.duplicateKey, offset: offset, "duplicate member name '\(key.clipped)'")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }

        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else {
                throw fail("unterminated array")
            }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(elements)
            }
            throw fail("expected ',' or ']' in an array")
        }
    }
}
