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

    @Test func describeWithoutSchemasListsParamNames() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()

        let light = try await client.call("rpc.describe", params: ["schemas": false])
        let full = try await client.call("rpc.describe", params: ["schemas": nil])

        let note = try #require(light["methods"]?.arrayValue?.first { $0["name"] == "echo.note" })
        #expect(note["param_names"] == ["text"])
        #expect(note["params"] == nil)
        #expect(note["result"] == nil)
        let fullNote = try #require(full["methods"]?.arrayValue?.first { $0["name"] == "echo.note" })
        #expect(fullNote["params"]?["properties"]?["text"] != nil)
        #expect(light["limits"] == full["limits"])
    }

    @Test func describeRejectsOtherSchemasValues() async throws {
        let fixture = try RuntimeFixture()
        let client = fixture.client()

        do throws(RPCError) {
            _ = try await client.call("rpc.describe", params: ["schemas": 1])
            Issue.record("rpc.describe accepted schemas 1")
        } catch {
            #expect(error.status == .invalidArgument)
            #expect(error.details?["field"] == "schemas")
        }
    }
}
