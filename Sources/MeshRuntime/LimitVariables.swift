import MeshProtocol
import MeshTransport

/// The environment variables that override a process's connection limits, and their accepted ranges.
///
/// `mesh up` passes its environment to every process, so one setting applies to the whole mesh.
/// `rpc.describe` reports the values in force under `limits`.
public enum LimitVariables {
    /// One overridable limit: its variable, the range accepted, and where the value goes.
    struct Setting: Sendable {
        let variable: String
        let range: ClosedRange<Int>
        let apply: @Sendable (inout RPCServer.Configuration, Int) -> Void
    }

    /// The largest frame limit `MESH_MAX_FRAME_BYTES` accepts, 64 MiB.
    public static let largestFrameBytes = 67_108_864

    static let settings: [Setting] = [
        Setting(variable: "MESH_MAX_FRAME_BYTES", range: 65_536...largestFrameBytes) {
            $0.limits.maximumFrameBytes = $1
        },
        Setting(variable: "MESH_MAX_CONNECTIONS", range: 1...65_536) { $0.limits.maximumConnections = $1 },
        Setting(variable: "MESH_MAX_IN_FLIGHT", range: 1...65_536) { $0.maximumInFlight = $1 },
        Setting(variable: "MESH_MAX_OUTBOUND_BYTES", range: 65_536...1_073_741_824) {
            $0.limits.maximumOutboundBytes = $1
        },
        Setting(variable: "MESH_IDLE_TIMEOUT_MS", range: 1_000...86_400_000) {
            $0.limits.idleTimeout = .milliseconds($1)
        },
        Setting(variable: "MESH_PARTIAL_FRAME_TIMEOUT_MS", range: 100...3_600_000) {
            $0.limits.partialFrameTimeout = .milliseconds($1)
        },
        Setting(variable: "MESH_BUSY_POLL_US", range: 0...1_000) { $0.busyPoll = .microseconds($1) },
    ]

    /// The names of every variable, for messages and docs.
    public static var names: [String] {
        settings.map(\.variable)
    }

    /// Sets each limit whose variable is present in `variables`.
    ///
    /// - Throws: INVALID_ARGUMENT naming the variable, its value and the accepted range, so the process
    ///   fails to start instead of running with a limit that was not intended.
    public static func apply(_ variables: [String: String], to configuration: inout RPCServer.Configuration)
        throws(RPCError)
    {
        for setting in settings {
            // An empty value counts as unset, as for every MESH_ variable.
            guard let text = variables[setting.variable], !text.isEmpty else {
                continue
            }
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let value = Int(text),
                setting.range.contains(value)
            else {
                throw RPCError.invalidArgument(
                    field: setting.variable,
                    "\(setting.variable) is '\(text.prefix(40))', not a whole number from \(setting.range.lowerBound) "
                        + "to \(setting.range.upperBound); fix or unset it"
                )
            }
            setting.apply(&configuration, value)
        }
    }

    /// Returns client options whose frame limits follow `MESH_MAX_FRAME_BYTES`, whose window follows
    /// `MESH_MAX_IN_FLIGHT`, and which replace a connection quiet for half of `MESH_IDLE_TIMEOUT_MS`.
    ///
    /// A client such as `mesh call` then reads every reply the processes may send and sends no request
    /// too large for them. No request of it is rejected for the in-flight limit, and none is written to a
    /// connection that a server is closing for idleness.
    public static func clientOptions(_ variables: [String: String]) throws(RPCError) -> RPCClient.Options {
        // Only these shape a client; the others concern servers, and a bad one is for them to report.
        let read = variables.filter { $0.key == "MESH_MAX_FRAME_BYTES" || $0.key == "MESH_MAX_IN_FLIGHT" }
        var configuration = RPCServer.Configuration(processName: "client")
        try apply(read, to: &configuration)
        // The idle timeout only tunes when a connection is replaced, so a bad value keeps the default.
        let idle = variables.filter { $0.key == "MESH_IDLE_TIMEOUT_MS" }
        try? apply(idle, to: &configuration)

        var options = RPCClient.Options()
        if !(variables["MESH_MAX_FRAME_BYTES"] ?? "").isEmpty {
            options.maximumFrameBytes = configuration.limits.maximumFrameBytes
        }
        options.maximumRequestBytes = configuration.limits.maximumFrameBytes
        options.maximumInFlight = configuration.maximumInFlight
        options.replaceQuietConnectionAfter = configuration.limits.idleTimeout / 2
        return options
    }
}
