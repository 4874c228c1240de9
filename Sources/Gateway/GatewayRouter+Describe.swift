import MeshProtocol
import MeshRuntime

extension GatewayRouter {
    static let pingDescriptor = MethodDescriptor(
        name: "rpc.ping",
        summary: "Returns \"pong\"; with {\"service\": name} the gateway forwards the ping to that service (two hops).",
        scope: .anonymous,
        paramsSchema: [
            "type": "object",
            "properties": [
                "service": [
                    "type": ["string", "null"], "enum": ["tenancy", "billing", "analytics", "notification", nil],
                ]
            ],
            "additionalProperties": false,
        ],
        resultSchema: ["const": "pong"]
    )

    /// Returns "pong" for `rpc.ping`, forwarding it to the named service when params carry `service`.
    func ping(params: JSONValue?, context: MethodContext) async throws -> JSONValue {
        if let params, params.objectValue == nil {
            throw RPCError.invalidArgument(
                field: "params",
                "rpc.ping takes an object, {} or {\"service\": name}, not \(params.brief)"
            )
        }
        if let unknown = params?.objectValue?.keys.sorted().first(where: { $0 != "service" }) {
            throw RPCError.invalidArgument(
                field: unknown.clipped,
                "params.\(unknown.clipped) is not a parameter of rpc.ping; it takes only service"
            )
        }
        // A null service means none, as for every optional member.
        guard let service = params?["service"], service != .null else {
            return "pong"
        }
        // Service names match ignoring letter case, like the values of every enum param.
        guard let name = service.stringValue?.lowercased(), GatewayRouter.services.contains(name) else {
            throw RPCError.invalidArgument(
                field: "service",
                "service must be one of \(GatewayRouter.services.joined(separator: ", ")), not \(service.brief)"
            )
        }
        // The ping's "pong" does not say who sent it, so the service's name is checked the way routed
        // calls check it, once per connection.
        _ = try await describedMethods(of: name, withinMs: context.downstreamBudgetMs)
        return try await peers.call(name, "rpc.ping", meta: GatewayRouter.forwardedMeta(context, caller: nil))
    }

    /// Returns every public method of the services behind the gateway, for the gateway's `rpc.describe`.
    ///
    /// Calls the services at once and waits for each up to 5 seconds or the caller's remaining `budget`
    /// less a reserve for the reply, whichever is shorter. A short budget therefore still gets the
    /// methods of the services that replied, and one with no reply in time is listed under `unavailable`.
    /// Calls at the same time share one description, and a complete one is kept for a few seconds (see
    /// DescribeCache). The budget of the call that starts a description applies to it.
    func publicMethods(withSchemas: Bool, within budget: Duration?) async -> [String: JSONValue] {
        await describeCache.description(withSchemas: withSchemas) { [self] in
            await describeServices(withSchemas: withSchemas, within: budget)
        }
    }

    /// Asks every service for its methods and returns the public ones, for `publicMethods`.
    private func describeServices(withSchemas: Bool, within budget: Duration?) async -> [String: JSONValue] {
        var wait = Duration.seconds(5)
        if let budget {
            // Part of the budget is kept for assembling and sending the reply.
            wait = min(wait, budget - min(budget / 5, .milliseconds(200)))
        }
        var budgetMeta = RequestMeta()
        budgetMeta.timeoutMs = max(1, wait.milliseconds)
        let meta = budgetMeta
        let params: JSONValue = ["schemas": .bool(withSchemas)]

        let descriptions = await withTaskGroup(of: (String, JSONValue?).self) { group in
            for service in GatewayRouter.services {
                group.addTask { [peers] in
                    (service, try? await peers.call(service, "rpc.describe", params: params, meta: meta))
                }
            }
            var collected: [String: JSONValue] = [:]
            for await (service, description) in group {
                collected[service] = description
            }
            return collected
        }

        var methods: [JSONValue] = []
        var unavailable: [JSONValue] = []
        for service in GatewayRouter.services {
            guard let description = descriptions[service] else {
                unavailable.append(.string(service))
                continue
            }
            for method in description["methods"]?.arrayValue ?? [] {
                let name = method["name"]?.stringValue ?? ""
                let scope = method["scope"]?.stringValue ?? MethodScope.internal.rawValue
                if !name.hasPrefix("rpc.") && scope != MethodScope.internal.rawValue {
                    var annotated = method.objectValue ?? [:]
                    annotated["service"] = .string(service)
                    if scope == MethodScope.company.rawValue, let params = method["params"] {
                        annotated["params"] = GatewayRouter.companyIDFilledIn(params)
                    }
                    methods.append(.object(annotated))
                }
            }
        }
        return ["methods": .array(methods), "unavailable": .array(unavailable)]
    }

    /// Returns a company method's params schema as the gateway accepts it: a company user may leave out
    /// `company_id`, which the gateway fills in from the API key, so it is no longer required.
    static func companyIDFilledIn(_ params: JSONValue) -> JSONValue {
        guard var schema = params.objectValue, var properties = schema["properties"]?.objectValue,
            var companyID = properties["company_id"]?.objectValue
        else {
            return params
        }

        // The issue calls that name one issue find its company themselves, so root may leave it out too.
        let namesAnIssue = properties["issue_id"] != nil && properties["key"] != nil
        let rootNeedsIt = !namesAnIssue || (schema["required"]?.arrayValue?.contains("company_id") ?? false)
        companyID["description"] = .string(
            rootNeedsIt
                ? "the caller's own company when left out or null; required with the root key"
                : "the caller's own company when left out or null; with the root key, the company of the issue named")
        if let type = companyID["type"]?.stringValue {
            companyID["type"] = [.string(type), "null"]
        }
        properties["company_id"] = .object(companyID)
        schema["properties"] = .object(properties)
        if let required = schema["required"]?.arrayValue {
            schema["required"] = .array(required.filter { $0 != "company_id" })
        }
        return .object(schema)
    }
}
