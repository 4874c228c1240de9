import Foundation
import MeshProtocol
import MeshTesting
import Testing

/// `MESH_TRUSTED_UIDS` lets other local users reach the gateway, and only the gateway. Switching to
/// another user needs root, setpriv and a python3 every user may run, so the test runs only where
/// all three are at hand.
@Suite struct TrustedUIDsWiringTests {
    static let canSwitchUser =
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")

    @Test(.enabled(if: canSwitchUser))
    func listedUserReachesTheGatewayOnly() async throws {
        let cluster = try await MeshCluster(variables: ["MESH_TRUSTED_UIDS": "65534"])

        let listed = try await Self.ping(cluster.gatewaySocket, as: 65534)
        let service = try await Self.ping(cluster.home.socketPath("billing"), as: 65534)
        let other = try await Self.ping(cluster.gatewaySocket, as: 65533)

        #expect(listed.contains(#""result":"pong""#), "\(listed)")
        #expect(service.contains("PermissionError"), "\(service)")
        #expect(other.contains("PERMISSION_DENIED"), "\(other)")
        #expect(other.contains("uid 65533 is not trusted"), "\(other)")
        #expect(other.contains("ask that user to add your uid to MESH_TRUSTED_UIDS"), "\(other)")

        // The listed user may not act as root on a service, and the message points to the gateway. That user
        // can run this checkout's mesh only when no folder above it is closed to others.
        let asListed = ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
        let binary = try MeshCluster.meshBinary()
        guard try await runToEnd(asListed + ["/usr/bin/test", "-x", binary]).status == 0 else {
            return
        }
        let direct = try await runToEnd(
            asListed + [binary, "call", "--process", "billing", "rpc.ping", "--home", cluster.home.root])
        #expect(direct.status != 0)
        #expect(direct.output.contains("uid 65534 may not read; only the user that runs the mesh"), "\(direct.output)")
    }

    /// Sends one `rpc.ping` to `socket` as user `uid` and returns what came back, or the error.
    static func ping(_ socket: String, as uid: Int) async throws -> String {
        let script = """
            import socket, struct, sys
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(sys.argv[1])
                body = b'{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}'
                try:
                    s.sendall(struct.pack(">I", len(body)) + body)
                except OSError:
                    pass  # a refused peer may be closed before it writes; the refusal is still there to read
                size = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
                print(s.recv(size, socket.MSG_WAITALL).decode())
            except Exception as error:
                print(type(error).__name__, error)
            """
        let command = [
            "/usr/bin/setpriv", "--reuid", String(uid), "--regid", String(uid), "--clear-groups", "/usr/bin/python3",
            "-c", script, socket,
        ]
        return try await runToEnd(command).output
    }
}
