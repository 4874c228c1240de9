import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshTransport

/// `mesh call METHOD [JSON]`: one call through the gateway (or straight to a process with --process).
enum CallCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(
            raw, valued: ["home", "key", "timeout-ms", "idempotency-key", "process"])
        guard let method = arguments.positional.first else {
            throw UsageError("call needs a method name, for example: mesh call companies.list '{}'")
        }
        let params = try parseParams(arguments.positional.dropFirst().first)
        let home = MeshCommand.home(arguments)
        let timeout = try arguments.option("timeout-ms").map { text throws(UsageError) -> Duration in
            guard let milliseconds = Int64(text), milliseconds > 0 else {
                throw UsageError("--timeout-ms must be a positive whole number of milliseconds, not '\(text)'")
            }
            return .milliseconds(milliseconds)
        }

        let process = arguments.option("process") ?? "gateway"
        let key = arguments.option("key") ?? ProcessInfo.processInfo.environment["MESH_API_KEY"] ?? readRootKey(home)
        let socket = home.socketPath(process)
        let client = try MeshClient(socketPath: socket, apiKey: key)
        defer { client.close() }

        do {
            let result = try await client.call(
                method, params, timeout: timeout, idempotencyKey: arguments.option("idempotency-key"))
            Terminal.print(Terminal.pretty(result))
            return 0
        } catch {
            Terminal.error(Terminal.describe(error, socket: socket))
            return 1
        }
    }

    static func parseParams(_ text: String?) throws(UsageError) -> JSONValue? {
        guard let text else {
            return nil
        }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw UsageError(
                "params are not valid JSON (\(error)); quote them, for example '{\"company_id\": \"cmp_...\"}'")
        }
    }

    /// The root key from the mesh home, when this user can read it.
    static func readRootKey(_ home: MeshHome) -> String? {
        (try? String(contentsOfFile: home.rootKeyPath, encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
}
