import MeshProtocol
import MeshTransport
import Testing

@testable import MeshRuntime

@Suite struct LimitVariablesTests {
    @Test func variablesOverrideTheDefaults() throws {
        var configuration = RPCServer.Configuration(processName: "test")

        try LimitVariables.apply(
            [
                "MESH_MAX_FRAME_BYTES": "4194304", "MESH_MAX_CONNECTIONS": "64", "MESH_MAX_IN_FLIGHT": "16",
                "MESH_MAX_OUTBOUND_BYTES": "1048576", "MESH_IDLE_TIMEOUT_MS": "60000",
                "MESH_PARTIAL_FRAME_TIMEOUT_MS": "2000", "MESH_BUSY_POLL_US": "0", "PATH": "/usr/bin",
            ],
            to: &configuration
        )

        #expect(configuration.limits.maximumFrameBytes == 4_194_304)
        #expect(configuration.limits.maximumConnections == 64)
        #expect(configuration.maximumInFlight == 16)
        #expect(configuration.limits.maximumOutboundBytes == 1_048_576)
        #expect(configuration.limits.idleTimeout == .seconds(60))
        #expect(configuration.limits.partialFrameTimeout == .seconds(2))
        #expect(configuration.busyPoll == .zero)
    }

    @Test func absentVariablesKeepTheDefaults() throws {
        var configuration = RPCServer.Configuration(processName: "test")

        try LimitVariables.apply([:], to: &configuration)

        #expect(configuration.limits == ServerLimits())
        #expect(configuration.maximumInFlight == 256)
    }

    @Test(arguments: [
        ("MESH_MAX_CONNECTIONS", "many"),
        ("MESH_MAX_CONNECTIONS", "0"),
        ("MESH_MAX_IN_FLIGHT", "-3"),
        ("MESH_MAX_FRAME_BYTES", "1024"),
        ("MESH_IDLE_TIMEOUT_MS", "1.5"),
        ("MESH_BUSY_POLL_US", "5000"),
    ])
    func badValueNamesVariableAndRange(variable: String, value: String) throws {
        var configuration = RPCServer.Configuration(processName: "test")

        let error = #expect(throws: RPCError.self) {
            try LimitVariables.apply([variable: value], to: &configuration)
        }

        #expect(error?.status == .invalidArgument)
        #expect(error?.message.hasPrefix("\(variable) is '\(value)', not a whole number from") == true)
    }

    @Test func emptyValueCountsAsUnset() throws {
        var configuration = RPCServer.Configuration(processName: "test")

        try LimitVariables.apply(["MESH_BUSY_POLL_US": "", "MESH_MAX_IN_FLIGHT": ""], to: &configuration)

        #expect(configuration.busyPoll == .zero)
        #expect(configuration.maximumInFlight == 256)
    }

    @Test func clientIgnoresServerOnlyVariables() throws {
        let options = try LimitVariables.clientOptions(["MESH_BUSY_POLL_US": "abc", "MESH_IDLE_TIMEOUT_MS": "x"])

        #expect(options.maximumInFlight == RPCClient.Options().maximumInFlight)
        #expect(options.replaceQuietConnectionAfter == RPCClient.Options().replaceQuietConnectionAfter)
    }

    @Test func clientFrameLimitFollowsTheVariable() throws {
        let options = try LimitVariables.clientOptions(["MESH_MAX_FRAME_BYTES": "2097152"])

        #expect(options.maximumFrameBytes == 2_097_152)
    }
}
