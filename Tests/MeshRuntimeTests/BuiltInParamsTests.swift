import MeshProtocol
import MeshTransport
import Testing

@Suite struct BuiltInParamsTests {
    @Test func builtInsTakeNoParams() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()

        #expect(try await client.call("rpc.ping", params: [:]) == "pong")
        for method in ["rpc.ping", "rpc.health", "rpc.describe"] {
            do throws(RPCError) {
                _ = try await client.call(method, params: ["x": 1])
                Issue.record("\(method) accepted params it does not take")
            } catch {
                #expect(error.status == .invalidArgument)
                #expect(error.details?["field"] == "x")
            }
        }
    }
}
