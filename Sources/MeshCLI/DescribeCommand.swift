import MeshProtocol
import MeshRuntime
import MeshTransport

/// `mesh describe [process]`: prints the protocol version, limits and methods with their parameters.
enum DescribeCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(raw, valued: ["home"], flags: ["json"])
        try arguments.allowPositional(atMost: 1, command: "describe")
        let home = MeshCommand.home(arguments)
        let process = arguments.positional.first ?? "gateway"
        guard ProcessCatalog.startOrder.contains(process) else {
            throw ProcessCatalog.unknownProcess(process)
        }
        let loop = try EventLoop(name: "describe")
        loop.start()
        defer { loop.stop() }
        let client = RPCClient(path: home.socketPath(process), loop: loop)
        defer { client.close() }

        let description: JSONValue
        do {
            description = try await fetch(client)
        } catch {
            Terminal.error(Terminal.describe(error, socket: home.socketPath(process)))
            return 1
        }
        if arguments.flag("json") {
            Terminal.print(Terminal.pretty(description))
            return 0
        }
        Terminal.print(render(description))
        return 0
    }

    /// Returns the process's description with schemas, or its method names alone when the schemas do
    /// not fit in one frame under the mesh's `MESH_MAX_FRAME_BYTES`, saying so on standard error.
    static func fetch(_ client: RPCClient) async throws(RPCError) -> JSONValue {
        do {
            return try await client.call("rpc.describe", meta: RequestMeta(), timeout: .seconds(10))
        } catch {
            guard error.status == .resourceExhausted, let size = error.details?["size"]?.intValue else {
                throw error
            }
            Terminal.error(
                "mesh describe: the full description is \(size) bytes, more than the mesh's frame limit, so only "
                    + "the parameter names follow; raise MESH_MAX_FRAME_BYTES for the mesh to see the schemas")
            return try await client.call(
                "rpc.describe", params: ["schemas": false], meta: RequestMeta(), timeout: .seconds(10))
        }
    }

    /// A readable listing: one block per method with its scope, summary and parameters.
    static func render(_ description: JSONValue) -> String {
        var lines: [String] = []
        lines.append(
            "\(description["service"]?.stringValue ?? "?") speaks \(description["protocol"]?.stringValue ?? "?")")
        if let limits = description["limits"]?.objectValue {
            let text = limits.keys.sorted().map { "\($0)=\(JSONWriter.string(limits[$0]!))" }.joined(separator: " ")
            lines.append("limits: \(text)")
        }
        if let unavailable = description["unavailable"]?.arrayValue, !unavailable.isEmpty {
            lines.append("unavailable: \(unavailable.compactMap(\.stringValue).joined(separator: ", "))")
        }

        let methods = (description["methods"]?.arrayValue ?? []).sorted {
            ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "")
        }
        for method in methods {
            lines.append("")
            // The gateway names the service behind each of the methods it routes.
            let served = method["service"]?.stringValue.map { ", served by \($0)" } ?? ""
            lines.append("\(method["name"]?.stringValue ?? "?")  [\(method["scope"]?.stringValue ?? "?")\(served)]")
            lines.append("  \(method["summary"]?.stringValue ?? "")")
            appendMembers(of: method["params"] ?? [:], indent: "    ", into: &lines)
            // A description without schemas lists only the names.
            if let names = method["param_names"]?.arrayValue, !names.isEmpty {
                lines.append("    params: " + names.compactMap(\.stringValue).joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Adds one line per member of an object schema, then the members of each member that is an object
    /// or a list of objects, indented below it.
    private static func appendMembers(of schema: JSONValue, indent: String, into lines: inout [String]) {
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        for (name, member) in (schema["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let marker = required.contains(name) ? "" : "?"
            let note = member["description"]?.stringValue.map { "  (\($0))" } ?? ""
            // Some optional members take null with a meaning of its own (null removes a team), and
            // others reject it, so `|null` is shown for optional members too.
            let type = typeName(member)
            lines.append("\(indent)\(name)\(marker): \(type)\(note)")

            let nested = member["items"] ?? member
            if nested["properties"]?.objectValue?.isEmpty == false {
                appendMembers(of: nested, indent: indent + "  ", into: &lines)
            }
        }
    }

    /// Returns the type of `schema` as `mesh describe` prints it, with `|null` when it takes null.
    static func typeName(_ schema: JSONValue) -> String {
        if let values = schema["enum"]?.arrayValue {
            let null = values.contains(.null) ? "|null" : ""
            return values.compactMap(\.stringValue).joined(separator: "|") + null
        }
        let types = schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? schema["type"]?.stringValue.map { [$0] }
        let named = (types ?? []).filter { $0 != "null" }
        let suffix = types?.contains("null") == true ? "|null" : ""
        guard let type = named.first else {
            return "any"
        }
        if type == "array", let items = schema["items"] {
            return "[\(typeName(items))]" + suffix
        }
        // A map with any member names, such as custom field values.
        if type == "object", let values = schema["additionalProperties"], values.objectValue != nil {
            return "{name: \(typeName(values))}" + suffix
        }
        return named.joined(separator: "|") + suffix
    }
}
