import MeshProtocol
import Testing

@testable import Tenancy

/// Issue keys are a prefix, a hyphen and a number written without leading zeros.
@Suite struct IssueKeyTests {
    @Test func wellFormedKeyParses() throws {
        let key = try IssueKey(parsing: " TECH-42 ")

        #expect(key.prefix == "TECH")
        #expect(key.number == 42)
        #expect(key.text == "TECH-42")
    }

    @Test(arguments: ["TECH-0", "TECH-01", "TECH-", "-42", "TECH42", "TECH-4a", "TECH-٤٢"])
    func malformedKeyIsInvalid(_ text: String) {
        #expect(throws: RPCError.self) { try IssueKey(parsing: text) }
    }

    @Test func longValuesAreClippedInErrors() {
        let long = String(repeating: "X", count: 5_000)

        let keyError = #expect(throws: RPCError.self) { try IssueKey(parsing: long) }
        let missing = RPCError.notFound("issue", long)

        #expect((keyError?.message.utf8.count ?? .max) < 400)
        #expect(missing.message.utf8.count < 400)
        #expect(missing.details?["id"]?.stringValue?.contains("(5000 bytes)") == true)
    }
}
