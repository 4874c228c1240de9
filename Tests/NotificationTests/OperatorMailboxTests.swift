import MeshProtocol
import Testing

@testable import Notification

/// The operator's address from MESH_OPERATOR_EMAIL: the operator chose the value, so errors repeat it.
@Suite struct OperatorMailboxTests {
    @Test(arguments: [[:], ["MESH_OPERATOR_EMAIL": ""]])
    func unsetOrEmptyMailsTheDefault(_ variables: [String: String]) throws {
        #expect(try OperatorMailbox.from(variables).address == "operator@localhost")
    }

    @Test func validAddressIsUsed() throws {
        #expect(try OperatorMailbox.from(["MESH_OPERATOR_EMAIL": "ops@example.com"]).address == "ops@example.com")
    }

    @Test func invalidAddressIsRepeatedInTheError() {
        let error = #expect(throws: RPCError.self) {
            try OperatorMailbox.from(["MESH_OPERATOR_EMAIL": "ops at example"])
        }

        #expect(error?.message.hasPrefix("MESH_OPERATOR_EMAIL is 'ops at example', which contains a space") == true)
        #expect(error?.message.contains("or unset it to mail operator@localhost") == true)
    }

    @Test func doubleDotIsRefused() {
        let error = #expect(throws: RPCError.self) {
            try OperatorMailbox.from(["MESH_OPERATOR_EMAIL": "ops..team@example.com"])
        }

        #expect(error?.message.contains("which has two dots in a row") == true)
    }

    @Test func longOrControlValueIsClippedAndEscaped() {
        let error = #expect(throws: RPCError.self) {
            try OperatorMailbox.from(["MESH_OPERATOR_EMAIL": "a\nb" + String(repeating: "x", count: 1_000)])
        }

        #expect(error?.message.contains("'a\\nbxxx") == true)
        #expect(error?.message.contains("bytes)'") == true)
        #expect(error?.message.contains("\n") == false)
    }
}
