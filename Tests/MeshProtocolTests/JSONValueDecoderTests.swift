import Foundation
import Testing

@testable import MeshProtocol

/// Decodes the same JSON with `JSONValueDecoder` and with Foundation's `JSONDecoder` and requires the
/// same value or the same error case at the same coding path.
@Suite struct JSONValueDecoderTests {
    enum Color: String, Codable, Equatable {
        case red, green
    }

    struct Inner: Codable, Equatable {
        let name: String
        let tags: [String]?
    }

    struct Sample: Codable, Equatable {
        let title: String
        let count: Int
        let ratio: Double?
        let flag: Bool?
        let color: Color?
        let inner: Inner?
        let list: [Int]?
        let fields: [String: JSONValue]?
        let big: Int64?
    }

    static let documents = [
        #"{"title": "a", "count": 1}"#,
        #"{"title": "a", "count": 2.0, "ratio": 3}"#,
        #"{"title": "a", "count": 2.5}"#,
        #"{"title": "a", "count": 1e2}"#,
        #"{"title": "a", "count": 9223372036854775808}"#,
        #"{"title": 7, "count": 1}"#,
        #"{"title": null, "count": 1}"#,
        #"{"count": 1}"#,
        #"{"title": "a", "count": 1, "flag": 1}"#,
        #"{"title": "a", "count": 1, "flag": true, "ratio": null}"#,
        #"{"title": "a", "count": 1, "color": "blue"}"#,
        #"{"title": "a", "count": 1, "color": "green"}"#,
        #"{"title": "a", "count": 1, "inner": {"name": "n", "tags": ["x", 3]}}"#,
        #"{"title": "a", "count": 1, "inner": {"tags": []}}"#,
        #"{"title": "a", "count": 1, "inner": []}"#,
        #"{"title": "a", "count": 1, "list": [1, 2, null]}"#,
        #"{"title": "a", "count": 1, "list": {"a": 1}}"#,
        #"{"title": "a", "count": 1, "fields": {"x": [1, {"y": null}], "z": "w"}}"#,
        #"{"title": "a", "count": 1, "big": -9007199254740993}"#,
        #"{"title": "a", "count": 1, "unknown": "ignored"}"#,
        #"[1, 2]"#,
        #""text""#,
    ]

    @Test(arguments: documents)
    func matchesJSONDecoder(document: String) throws {
        let value = try JSONParser.parse(document)
        let expected = Result { try JSONDecoder().decode(Sample.self, from: Data(document.utf8)) }

        let actual = Result { try JSONValueDecoder.decode(Sample.self, from: value, at: []) }

        switch (expected, actual) {
        case (.success(let left), .success(let right)):
            #expect(left == right)
        case (.failure(let left as DecodingError), .failure(let right as DecodingError))
        where Self.summary(left) == "dataCorrupted at ":
            // JSONDecoder reports a number that does not fit its integer type with an empty coding
            // path. JSONValueDecoder puts the member in the path, so the error names the field.
            #expect(Self.summary(right) == "dataCorrupted at count")
        case (.failure(let left as DecodingError), .failure(let right as DecodingError)):
            #expect(Self.summary(left) == Self.summary(right))
        default:
            Issue.record("JSONDecoder gave \(expected), JSONValueDecoder gave \(actual)")
        }
    }

    @Test func jsonValueIsReturnedAsItIs() throws {
        let value = try JSONParser.parse(#"{"a": [1, 2.5, "x", null, true]}"#)

        let decoded = try JSONValueDecoder.decode(JSONValue.self, from: value, at: [])

        #expect(decoded == value)
    }

    @Test func errorNamesTheFieldPath() {
        let value: JSONValue = ["title": "a", "count": 1, "inner": ["name": 5]]

        let error = #expect(throws: RPCError.self) { try value.decode(Sample.self, root: "params") }

        #expect(error?.details?["field"] == "inner.name")
        #expect(error?.message == "params.inner.name: expected a string, not 5")
    }

    @Test func fractionForIntegerNamesWholeNumber() {
        struct Page: Decodable { let limit: Int }

        let error = #expect(throws: RPCError.self) {
            try JSONValue.object(["limit": .double(1.5)]).decode(Page.self, root: "params")
        }

        #expect(error?.message == "params.limit: expected a whole number, not 1.5")

        let huge = #expect(throws: RPCError.self) {
            try JSONParser.parse(#"{"limit": 9223372036854775808}"#).decode(Page.self, root: "params")
        }
        #expect(
            huge?.message
                == "params.limit: expected a whole number from \(Int.min) to \(Int.max), not a whole number outside "
                + "the 64-bit range")
    }

    @Test func everyIntegerTypeDecodes() throws {
        struct Small: Decodable, Equatable {
            let a: UInt8
            let b: Int8
            let c: UInt16
            let d: Int16
            let e: UInt32
        }

        let value: JSONValue = ["a": 255, "b": -128, "c": 65_535, "d": -300, "e": 7]
        let decoded = try value.decode(Small.self, root: "params")
        let tooLarge = #expect(throws: RPCError.self) {
            try JSONValue.object(["d": 70_000]).decode([String: Int16].self, root: "params")
        }

        #expect(decoded == Small(a: 255, b: -128, c: 65_535, d: -300, e: 7))
        #expect(tooLarge?.message == "params.d: expected a whole number from -32768 to 32767, not 70000")
    }

    @Test func urlAndDecimalDecodeAsJSONDecoderDoes() throws {
        struct Link: Decodable {
            let url: URL
            let amount: Decimal
        }

        let link = try JSONValue.object(["url": "http://127.0.0.1:8080/hook", "amount": .double(1.25)]).decode(
            Link.self)
        let badURL = #expect(throws: RPCError.self) {
            try JSONValue.object(["url": 5, "amount": 1]).decode(Link.self, root: "params")
        }

        #expect(link.url.absoluteString == "http://127.0.0.1:8080/hook")
        #expect(link.amount == Decimal(string: "1.25"))
        #expect(badURL?.message == "params.url: expected a URL string, not 5")
    }

    @Test func missingMemberIsNamed() {
        struct Scoped: Decodable {
            let companyID: String
            let name: String
            enum CodingKeys: String, CodingKey {
                case companyID = "company_id"
                case name
            }
        }

        let noName = #expect(throws: RPCError.self) {
            try JSONValue.object(["company_id": "c"]).decode(Scoped.self, root: "params")
        }
        let noCompany = #expect(throws: RPCError.self) {
            try JSONValue.object(["name": "n"]).decode(Scoped.self, root: "params")
        }

        #expect(noName?.message == "params.name is missing; it is required")
        #expect(
            noCompany?.message
                == "params.company_id is missing; it is required (the gateway fills it in for a user's key; root, "
                + "and calls straight to a service, must name the company)")
        #expect(noCompany?.details?["field"] == "company_id")

        let nullCompany = #expect(throws: RPCError.self) {
            try JSONValue.object(["company_id": nil, "name": "n"]).decode(Scoped.self, root: "params")
        }
        #expect(
            nullCompany?.message.hasSuffix("root, and calls straight to a service, must name the company)") == true)
    }

    @Test func mismatchShowsWhatWasSent() {
        struct Page: Decodable { let limit: Int }
        let long = String(repeating: "x", count: 100)

        let quoted = #expect(throws: RPCError.self) {
            try JSONValue.object(["limit": "7"]).decode(Page.self, root: "params")
        }
        let sized = #expect(throws: RPCError.self) {
            try JSONValue.object(["limit": .string(long)]).decode(Page.self, root: "params")
        }

        #expect(quoted?.message == #"params.limit: expected an integer, not "7""#)
        #expect(sized?.message == "params.limit: expected an integer, not a string of 102 bytes")
    }

    @Test func defaultRootIsValue() {
        struct Owner: Decodable { let company_id: String }

        let error = #expect(throws: RPCError.self) { try JSONValue.object([:]).decode(Owner.self) }

        #expect(error?.message == "value.company_id is missing; it is required")
        #expect(error?.details?["field"] == "value.company_id")
    }

    @Test func resultErrorNamesTheResultPath() {
        let value: JSONValue = ["title": "a", "count": 1, "inner": ["name": 5]]

        let error = #expect(throws: RPCError.self) { try value.decode(Sample.self, root: "result") }

        #expect(error?.message == "result.inner.name: expected a string, not 5")
    }

    /// Returns the error case and its coding path, the parts that callers turn into messages.
    static func summary(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }

        switch error {
        case .keyNotFound(let key, let context):
            return "keyNotFound \(key.stringValue) at \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "typeMismatch \(type) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "valueNotFound \(type) at \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return "dataCorrupted at \(path(context.codingPath))"
        @unknown default:
            return "unknown"
        }
    }
}
