import MeshProtocol
import Testing

/// A JSON text and what the parser must make of it.
struct ParseCase: Sendable, CustomTestStringConvertible {
    let label: String
    let input: [UInt8]
    let expected: Expectation

    enum Expectation: Sendable {
        case value(JSONValue)
        case error(JSONParseError.Kind)
    }

    var testDescription: String { label }

    static func accepts(_ label: String, _ text: String, _ value: JSONValue) -> ParseCase {
        ParseCase(label: label, input: Array(text.utf8), expected: .value(value))
    }

    static func rejects(_ label: String, _ text: String, _ kind: JSONParseError.Kind) -> ParseCase {
        ParseCase(label: label, input: Array(text.utf8), expected: .error(kind))
    }

    static func rejects(_ label: String, bytes: [UInt8], _ kind: JSONParseError.Kind) -> ParseCase {
        ParseCase(label: label, input: bytes, expected: .error(kind))
    }
}

@Suite("JSON parser rules")
struct JSONParserTests {
    static let literalsAndNumbers: [ParseCase] = [
        .accepts("true", "true", true),
        .accepts("false", "false", false),
        .accepts("null", "null", nil),
        .accepts("zero", "0", .int(0)),
        .accepts("negative zero integer", "-0", .int(0)),
        .accepts("negative integer", "-42", .int(-42)),
        .accepts("Int64 max stays exact", "9223372036854775807", .int(Int64.max)),
        .accepts("Int64 min stays exact", "-9223372036854775808", .int(Int64.min)),
        .accepts("one past Int64 max becomes a double", "9223372036854775808", .double(9_223_372_036_854_775_808)),
        .accepts("one below Int64 min becomes a double", "-9223372036854775809", .double(-9_223_372_036_854_775_808)),
        .accepts("30 digits become a double", "123456789012345678901234567890", .double(1.2345678901234568e29)),
        .accepts("fraction", "1.5", .double(1.5)),
        .accepts("exponent makes a double", "1e3", .double(1000)),
        .accepts("capital exponent with plus", "1E+2", .double(100)),
        .accepts("negative exponent", "25e-2", .double(0.25)),
        .accepts("integral fraction stays a double", "2.0", .double(2)),
        .accepts("underflow becomes zero", "1e-400", .double(0)),
        .accepts("largest double", "1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
        .accepts("smallest subnormal", "5e-324", .double(.leastNonzeroMagnitude)),
        .rejects("overflow to infinity", "1e400", .numberOutOfRange),
        .rejects("negative overflow to infinity", "-1e400", .numberOutOfRange),
        .rejects("overflow by digits", "1" + String(repeating: "0", count: 400), .numberOutOfRange),
        .rejects("leading zero", "01", .syntax),
        .rejects("negative leading zero", "-01", .syntax),
        .rejects("decimal point without digits", "1.", .syntax),
        .rejects("fraction without integer part", ".5", .syntax),
        .rejects("plus sign", "+1", .syntax),
        .rejects("exponent without digits", "1e", .syntax),
        .rejects("exponent sign without digits", "1e+", .syntax),
        .rejects("point before exponent", "1.e3", .syntax),
        .rejects("minus alone", "-", .syntax),
        .rejects("double minus", "--1", .syntax),
        .rejects("hex number", "0x10", .trailingData),
        .rejects("NaN", "NaN", .syntax),
        .rejects("Infinity", "Infinity", .syntax),
        .rejects("negative Infinity", "-Infinity", .syntax),
        .rejects("capitalised literal", "True", .syntax),
        .rejects("truncated literal", "nul", .syntax),
    ]

    static let strings: [ParseCase] = [
        .accepts("every short escape", #""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{08}\u{0C}\n\r\t")),
        .accepts("unicode escape", #""\u00e9\u00E9""#, .string("éé")),
        .accepts("escaped NUL", #""a\u0000b""#, .string("a\u{0}b")),
        .accepts("surrogate pair joins", #""\ud83d\ude00""#, .string("😀")),
        .accepts("raw multi-byte UTF-8", "\"h\u{e9}llo \u{2713} \u{1F600}\"", .string("héllo ✓ 😀")),
        .accepts("raw U+2028 and DEL", "\"\u{2028}\u{7F}\"", .string("\u{2028}\u{7F}")),
        .accepts("noncharacter U+FFFF is text", "\"\u{FFFF}\"", .string("\u{FFFF}")),
        .rejects("lone high surrogate", #""\ud800""#, .loneSurrogate),
        .rejects("lone low surrogate", #""\udc00""#, .loneSurrogate),
        .rejects("high surrogate then letter", #""\ud800x""#, .loneSurrogate),
        .rejects("two high surrogates", #""\ud800\ud800""#, .loneSurrogate),
        .rejects("high surrogate then plain escape", #""\ud800\u0041""#, .loneSurrogate),
        .rejects("reversed pair", #""\ude00\ud83d""#, .loneSurrogate),
        .rejects("short unicode escape", #""\u12""#, .syntax),
        .rejects("non-hex unicode escape", #""\u12g4""#, .syntax),
        .rejects("unknown escape", #""\x41""#, .syntax),
        .rejects("escaped apostrophe", #""\'""#, .syntax),
        .rejects("raw tab", "\"a\tb\"", .syntax),
        .rejects("raw newline", "\"a\nb\"", .syntax),
        .rejects("raw NUL", "\"a\u{0}b\"", .syntax),
        .rejects("unterminated", #""abc"#, .syntax),
        .rejects("unterminated after escape", #""abc\"#, .syntax),
        .rejects("single quotes", "'a'", .syntax),
    ]

    static let utf8: [ParseCase] = [
        .rejects("invalid lead byte", bytes: quoted([0xC3, 0x28]), .invalidUTF8),
        .rejects("overlong slash", bytes: quoted([0xC0, 0xAF]), .invalidUTF8),
        .rejects("overlong three-byte", bytes: quoted([0xE0, 0x80, 0xAF]), .invalidUTF8),
        .rejects("encoded surrogate", bytes: quoted([0xED, 0xA0, 0x80]), .invalidUTF8),
        .rejects("above U+10FFFF", bytes: quoted([0xF4, 0x90, 0x80, 0x80]), .invalidUTF8),
        .rejects("lead byte F5", bytes: quoted([0xF5, 0x80, 0x80, 0x80]), .invalidUTF8),
        .rejects("lone continuation byte", bytes: quoted([0x80]), .invalidUTF8),
        .rejects("lone FF", bytes: quoted([0xFF]), .invalidUTF8),
        .rejects("sequence cut by the closing quote", bytes: quoted([0xE2, 0x82]), .invalidUTF8),
        .rejects("sequence cut by the end of text", bytes: [UInt8(ascii: "\""), 0xE2, 0x82], .invalidUTF8),
        .rejects(
            "non-ASCII byte outside a string", bytes: [UInt8(ascii: "["), 0xC3, 0xA9, UInt8(ascii: "]")], .syntax),
        .rejects("byte-order mark", bytes: [0xEF, 0xBB, 0xBF, UInt8(ascii: "1")], .syntax),
    ]

    static let structure: [ParseCase] = [
        .accepts("empty object", "{}", .object([:])),
        .accepts("empty array", "[]", .array([])),
        .accepts("nested", #"{"a":[1,{"b":null}],"c":"d"}"#, ["a": [1, ["b": nil]], "c": "d"]),
        .accepts("the four whitespace characters", " \t\r\n[ 1 ,\t2 ]\r\n ", [1, 2]),
        .accepts("scalar document", #""just text""#, "just text"),
        .rejects("empty text", "", .empty),
        .rejects("whitespace only", " \n\t", .empty),
        .rejects("form feed is not whitespace", "\u{0C}1", .syntax),
        .rejects("no-break space is not whitespace", "\u{A0}1", .syntax),
        .rejects("trailing comma in array", "[1,]", .syntax),
        .rejects("trailing comma in object", #"{"a":1,}"#, .syntax),
        .rejects("leading comma", "[,1]", .syntax),
        .rejects("missing comma", "[1 2]", .syntax),
        .rejects("missing colon", #"{"a" 1}"#, .syntax),
        .rejects("number as member name", #"{1:2}"#, .syntax),
        .rejects("bare member name", "{a:1}", .syntax),
        .rejects("unclosed array", "[1", .syntax),
        .rejects("unclosed object", #"{"a":1"#, .syntax),
        .rejects("mismatched brackets", "[1}", .syntax),
        .rejects("second value", "1 2", .trailingData),
        .rejects("two objects", "{}{}", .trailingData),
        .rejects("closing bracket too many", "[]]", .trailingData),
        .rejects("comment", "[1] // two", .trailingData),
    ]

    static let duplicates: [ParseCase] = [
        .rejects("duplicate member", #"{"a":1,"a":2}"#, .duplicateKey),
        .rejects("duplicate with equal values", #"{"a":1,"a":1}"#, .duplicateKey),
        .rejects("duplicate in a nested object", #"[{"x":{"a":1,"a":true}}]"#, .duplicateKey),
        .rejects("duplicate spelled with an escape", #"{"a":1,"\u0061":2}"#, .duplicateKey),
        .rejects("names equal after normalization", "{\"\u{E9}\":1,\"e\u{301}\":2}", .duplicateKey),
        .rejects("a syntax error after a duplicate wins", #"{"a":1,"a":2"#, .syntax),
        .rejects("trailing data after a duplicate wins", #"{"a":1,"a":2} x"#, .trailingData),
        .rejects("a bad number after a duplicate wins", #"{"a":1,"a":2,"b":1e999}"#, .numberOutOfRange),
        .accepts("same name in sibling objects", #"[{"a":1},{"a":2}]"#, [["a": 1], ["a": 2]]),
        .accepts("names differing in case", #"{"a":1,"A":2}"#, ["a": 1, "A": 2]),
    ]

    static let nesting: [ParseCase] = [
        .accepts(
            "512 nested arrays", String(repeating: "[", count: 512) + String(repeating: "]", count: 512),
            nestedArrays(512)),
        .rejects(
            "513 nested arrays", String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
            .depthLimitExceeded),
        .accepts(
            "512 nested objects", String(repeating: #"{"a":"#, count: 511) + "{}" + String(repeating: "}", count: 511),
            nestedObjects(512)),
        .rejects(
            "513 nested objects", String(repeating: #"{"a":"#, count: 512) + "{}" + String(repeating: "}", count: 512),
            .depthLimitExceeded),
        .rejects("100000 open brackets", String(repeating: "[", count: 100_000), .depthLimitExceeded),
        .rejects("100000 open objects", String(repeating: #"{"a":"#, count: 100_000), .depthLimitExceeded),
        .rejects("deep mix of arrays and objects", String(repeating: #"[{"k":"#, count: 50_000), .depthLimitExceeded),
    ]

    @Test(arguments: literalsAndNumbers + strings + utf8 + structure + duplicates + nesting)
    func parses(_ testCase: ParseCase) {
        let outcome = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(testCase.input) }

        switch (outcome, testCase.expected) {
        case (.success(let value), .value(let expected)):
            #expect(value == expected)
        case (.failure(let error), .error(let kind)):
            #expect(error.kind == kind, "\(error)")
            #expect(error.offset >= 0)
            #expect(error.offset <= testCase.input.count)
        case (.success(let value), .error(let kind)):
            Issue.record("accepted as \(value.typeName), expected \(kind)")
        case (.failure(let error), .value):
            Issue.record("rejected: \(error)")
        }
    }

    @Test func byteOrderMarkIsNamed() {
        let error = #expect(throws: JSONParseError.self) {
            try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        }

        #expect(error?.kind == .syntax)
        #expect(error?.message.contains("byte order mark") == true)
    }

    @Test(arguments: [
        ([UInt8(ascii: "x")], "unexpected character 'x'"),
        ([0x0B], "unexpected character <U+000B>"),
        ([0xC2, 0xA0], "unexpected character <U+00A0>"),
        ([0xF0, 0x9F, 0x98, 0x80], "unexpected character <U+1F600>"),
        ([0xC2], "unexpected byte 0xC2, which starts no UTF-8 character"),
        ([0x80], "unexpected byte 0x80, which starts no UTF-8 character"),
    ])
    func unexpectedCharacterIsNamed(_ bytes: [UInt8], _ named: String) {
        let error = #expect(throws: JSONParseError.self) {
            try JSONParser.parse(bytes)
        }

        #expect(error?.message.hasPrefix(named) == true, "\(String(describing: error?.message))")
    }

    @Test func numbersKeepTheirKind() throws {
        #expect(try JSONParser.parse("7") == .int(7))
        #expect(try JSONParser.parse("7.0") == .double(7))
        #expect(try JSONParser.parse("7") != JSONParser.parse("7.0"))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .double(let zero) = try JSONParser.parse("-0.0") else {
            Issue.record("-0.0 should be a double")
            return
        }
        #expect(zero == 0)
        #expect(zero.sign == .minus)
    }

    @Test func errorsNameTheByteOffset() {
        let cases: [(String, Int)] = [("[1,]", 3), (#"{"a" 1}"#, 5), ("[1 2]", 3), ("tru", 0), (#""\ud800""#, 7)]
        for (text, offset) in cases {
            do {
                _ = try JSONParser.parse(text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.offset == offset, "\(text): \(error)")
                #expect(error.description.hasSuffix("at byte \(offset)"))
            }
        }
    }

    @Test func longNumbersAreShownCut() {
        let digits = String(repeating: "9", count: 400)
        do {
            _ = try JSONParser.parse(digits)
            Issue.record("a number beyond a double was accepted")
        } catch {
            #expect(
                error.message == "number \(digits.prefix(40))... (400 characters) is out of the range of a 64-bit float"
            )
        }
    }

    @Test func offsetComesBeforeTheAdvice() {
        do {
            _ = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
            Issue.record("a byte order mark was accepted")
        } catch {
            #expect(
                error.description
                    == "the text starts with a UTF-8 byte order mark (EF BB BF) at byte 0; send the JSON without it")
        }
    }

    @Test func duplicateErrorNamesTheMember() {
        #expect {
            try JSONParser.parse(#"{"tier":"a","tier":"b"}"#)
        } throws: { error in
            guard let error = error as? JSONParseError else {
                return false
            }
            return error.kind == .duplicateKey && error.message.contains("'tier'") && error.offset == 12
        }
    }

    @Test func rawBufferEntryPointAgreesWithArrayEntryPoint() throws {
        let text = Array(#"{"a":[1,2.5,"x",null,true]}"#.utf8)
        let fromBuffer = try text.withUnsafeBytes { (buffer) throws(JSONParseError) -> JSONValue in
            try JSONParser.parse(buffer)
        }
        #expect(fromBuffer == (try JSONParser.parse(text)))
    }

    private static func quoted(_ inner: [UInt8]) -> [UInt8] {
        [UInt8(ascii: "\"")] + inner + [UInt8(ascii: "\"")]
    }

    private static func nestedArrays(_ depth: Int) -> JSONValue {
        var value: JSONValue = .array([])
        for _ in 1..<depth {
            value = .array([value])
        }
        return value
    }

    private static func nestedObjects(_ depth: Int) -> JSONValue {
        var value: JSONValue = .object([:])
        for _ in 1..<depth {
            value = .object(["a": value])
        }
        return value
    }
}
