import MeshProtocol
import MeshRuntime
import MeshTransport

/// `mesh status`: asks each process for `rpc.health` over its own socket.
enum StatusCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home"])
        let home = MeshCommand.home(arguments)
        let loop = try EventLoop(name: "status")
        loop.start()
        defer { loop.stop() }

        var allServing = true
        Terminal.print("mesh home: \(home.root)")
        for name in ProcessCatalog.startOrder {
            let client = RPCClient(path: home.socketPath(name), loop: loop)
            defer { client.close() }
            do {
                let health = try await client.call("rpc.health", meta: RequestMeta(), timeout: .seconds(3))
                let status = health["status"]?.stringValue ?? "UNKNOWN"
                let uptime = (health["uptime_ms"]?.intValue ?? 0) / 1000
                let store = health["store"]?["state"]?.stringValue ?? "?"
                Terminal.print("\(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(status)  store=\(store)  uptime=\(uptime)s")
                allServing = allServing && status == "SERVING"
            } catch {
                Terminal.print("\(name.padding(toLength: 13, withPad: " ", startingAt: 0)) DOWN  \(error.message)")
                allServing = false
            }
        }
        return allServing ? 0 : 1
    }
}
