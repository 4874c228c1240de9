import MeshProtocol
import Testing

@testable import MeshCLI

@Suite struct TerminalTests {
    let gateway = "/tmp/home/run/gateway.sock"

    @Test func unreachableSocketSuggestsStartingTheMesh() {
        let error = RPCError(
            .unavailable, "connect to '\(gateway)' failed: No such file or directory (retry in 50 ms)")

        let text = Terminal.describe(error, socket: gateway)

        #expect(text.contains("is the mesh running? start it with `mesh up`"))
        #expect(!text.contains("mesh status"))
        // No mesh runs there, so the reconnect delay is left out.
        #expect(!text.contains("retry in"))
    }

    @Test func unusedHomeGetsOneAdvice() {
        let error = RPCError(
            .unavailable,
            "connect to '\(gateway)' failed: No such file or directory; the folder '/tmp/home/run' does not exist, so "
                + "no mesh has run there: check the mesh home (MESH_HOME or --home), or start a mesh in it with mesh up"
        )

        let text = Terminal.describe(error, socket: gateway)

        #expect(!text.contains("is the mesh running?"))
    }

    @Test func serviceBehindGatewayPointsAtStatus() {
        let error = RPCError(.unavailable, "connect to '/tmp/home/run/billing.sock' failed: Connection refused")

        let text = Terminal.describe(error, socket: gateway)

        #expect(text.contains("`mesh status` shows which"))
        #expect(!text.contains("is the mesh running"))
    }

    @Test func otherErrorsGetNoHint() {
        let error = RPCError(.notFound, "company cmp_1 not found")

        let text = Terminal.describe(error, socket: gateway)

        #expect(text == "error NOT_FOUND (\(RPCStatus.notFound.code)): company cmp_1 not found")
    }
}
