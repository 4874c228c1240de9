import MeshProtocol
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test func escapesQuoteBackslashAndControlCharacters() {
        let text = "q\"b\\n\nr\rt\tb\u{08}f\u{0C}x\u{01}y\u{1F}z\u{0}"

        let written = JSONWriter.string(.string(text))

        #expect(written == #""q\"b\\n\nr\rt\tb\u0008f\u000cx\u0001y\u001fz\u0000""#)
    }

    @Test(arguments: [
        ("\"", #""\"""#),
        ("plain text with no escapes", #""plain text with no escapes""#),
        ("\nstarts", #""\nstarts""#),
        ("ends\t", #""ends\t""#),
        ("a\\\\b", #""a\\\\b""#),
        ("long run é ✓ then \u{1} then more", #""long run é ✓ then \u0001 then more""#),
    ])
    func copiesTextAroundEscapes(_ text: String, _ written: String) {
        #expect(JSONWriter.string(.string(text)) == written)
    }

    @Test func leavesSlashNonASCIIAndDeleteAsTheyAre() {
        let written = JSONWriter.serialize(.string("a/b é ✓ 😀 \u{2028} \u{7F}"))

        #expect(written == Array("\"a/b é ✓ 😀 \u{2028} \u{7F}\"".utf8))
    }

    @Test func sortsMembersByTheirUTF8Bytes() {
        let value: JSONValue = ["b": 1, "a": 2, "B": 3, "é": 4, "aa": 5, "": 6]

        #expect(JSONWriter.string(value) == #"{"":6,"B":3,"a":2,"aa":5,"b":1,"é":4}"#)
    }

    @Test func equalValuesGiveEqualBytesWhateverTheInsertionOrder() {
        var first: [String: JSONValue] = [:]
        var second: [String: JSONValue] = [:]
        let keys = (0..<200).map { "key\($0)" }
        for key in keys {
            first[key] = .string(key)
        }
        for key in keys.reversed() {
            second[key] = .string(key)
        }

        #expect(JSONWriter.serialize(.object(first)) == JSONWriter.serialize(.object(second)))
    }

    @Test(arguments: [
        (JSONValue.int(0), "0"),
        (.int(7), "7"),
        (.int(-7), "-7"),
        (.int(Int64.max), "9223372036854775807"),
        (.int(Int64.min), "-9223372036854775808"),
        (.double(1.5), "1.5"),
        (.double(5), "5.0"),
        (.double(-0.0), "-0.0"),
        (.double(0.1), "0.1"),
        (.double(.nan), "null"),
        (.double(.infinity), "null"),
        (.double(-.infinity), "null"),
        (.null, "null"),
        (.bool(true), "true"),
        (.array([]), "[]"),
        (.object([:]), "{}"),
        (JSONValue.array([1, [2, [3]], ["k": nil]]), #"[1,[2,[3]],{"k":null}]"#),
    ])
    func writesCompactText(_ value: JSONValue, _ text: String) {
        #expect(JSONWriter.string(value) == text)
    }

    @Test(arguments: [
        JSONValue.double(0.1),
        .double(-2.5e-10),
        .double(1e15),
        .double(1e20),
        .double(123_456.789),
        .double(.greatestFiniteMagnitude),
        .double(-.greatestFiniteMagnitude),
        .double(.leastNonzeroMagnitude),
        .double(.leastNormalMagnitude),
        .double(9_007_199_254_740_994),
        .double(1e-7),
        .int(Int64.max),
        .int(Int64.min),
        .string(String((0..<0x20).map { Character(UnicodeScalar(UInt8($0))) })),
        .string("surrogate-free 😀 and \u{FFFF}"),
        ["nested": ["list": [1, 2.5, "x", nil, false, ["deep": []]]], "": "empty name"],
    ])
    func valuesSurviveAWriteAndParse(_ value: JSONValue) throws {
        let reparsed = try JSONParser.parse(JSONWriter.serialize(value))

        #expect(reparsed == value)
        #expect(JSONWriter.serialize(reparsed) == JSONWriter.serialize(value))
    }

    @Test func negativeZeroSurvivesWithItsSign() throws {
        guard case .double(let zero) = try JSONParser.parse(JSONWriter.serialize(.double(-0.0))) else {
            Issue.record("-0.0 did not come back as a double")
            return
        }
        #expect(zero.sign == .minus)
    }

    @Test(arguments: [
        #"{"a":[1,2.5,"x",null,true,false],"b":{"c":{}}}"#,
        #"[-9223372036854775808,9223372036854775807,0.5,-1.0e-05]"#,
        #""\u0000\u001f\"\\""#,
    ])
    func writingParsedTextIsStable(_ text: String) throws {
        let once = JSONWriter.serialize(try JSONParser.parse(text))
        let twice = JSONWriter.serialize(try JSONParser.parse(once))

        #expect(once == twice)
    }

    @Test func appendAddsToExistingBytes() {
        var output = Array("prefix:".utf8)

        JSONWriter.append(["x": 1], to: &output)

        #expect(String(decoding: output, as: UTF8.self) == #"prefix:{"x":1}"#)
    }
}

@Suite("Indented JSON writer")
struct JSONPrettyWriterTests {
    @Test func indentsNestedValues() {
        let value: JSONValue = ["b": [1, ["c": nil]], "a": "x/y", "e": [], "o": [:], "d": 2.5]

        let text = JSONWriter.pretty(value)

        #expect(
            text == """
                {
                  "a": "x/y",
                  "b": [
                    1,
                    {
                      "c": null
                    }
                  ],
                  "d": 2.5,
                  "e": [],
                  "o": {}
                }
                """)
    }

    @Test(arguments: [JSONValue.string("pong"), .int(3), .null, .array([]), .object([:])])
    func writesScalarsAndEmptiesCompactly(_ value: JSONValue) {
        #expect(JSONWriter.pretty(value) == JSONWriter.string(value))
    }
}
