import Glibc
import MeshProtocol
import MeshRuntime
import Testing

@Suite struct TrustedUIDsTests {
    @Test(arguments: [[:], ["MESH_TRUSTED_UIDS": ""], ["MESH_TRUSTED_UIDS": "  "]])
    func unsetOrEmptyTrustsNoOne(variables: [String: String]) throws {
        #expect(try TrustedUIDs.parse(variables).isEmpty)
    }

    @Test func listIsRead() throws {
        #expect(try TrustedUIDs.parse(["MESH_TRUSTED_UIDS": "1001, 1002,0"]) == [1001, 1002, 0])
    }

    @Test(arguments: [("abc", "abc"), ("1,,2", ""), ("-1", "-1"), ("4294967295", "4294967295"), ("+5", "+5")])
    func badEntryIsNamed(text: String, entry: String) {
        let error = #expect(throws: RPCError.self) { try TrustedUIDs.parse(["MESH_TRUSTED_UIDS": text]) }

        #expect(error?.message.contains("'\(entry)' in it is not a uid") == true, "\(String(describing: error))")
        #expect(error?.details?["field"] == "MESH_TRUSTED_UIDS")
    }
}
