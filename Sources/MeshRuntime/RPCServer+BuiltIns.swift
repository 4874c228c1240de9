import MeshProtocol

extension RPCServer {
    /// The protocol version string every process reports.
    public static let protocolVersion = "tenantmesh/1"

    /// `rpc.health` and `rpc.describe`; `rpc.ping` and `rpc.cancel` are answered on the loop thread.
    func builtInEntry(_ method: String) -> MethodEntry? {
        switch method {
        case "rpc.ping":
            return MethodEntry(descriptor: Self.pingDescriptor) { params, _ in
                try Self.requireNoParams(params, method: method)
                return "pong"
            }
        case "rpc.health":
            return MethodEntry(descriptor: Self.healthDescriptor) { [health, startedAt] params, _ in
                try Self.requireNoParams(params, method: method)
                var report = health()
                if case .object(var members) = report {
                    members["uptime_ms"] = .int((ContinuousClock.now - startedAt).milliseconds)
                    report = .object(members)
                }
                return report
            }
        case "rpc.describe":
            return MethodEntry(descriptor: Self.describeDescriptor) { [self] params, context in
                let withSchemas = try Self.describeWithSchemas(params)
                var description = describe(withSchemas: withSchemas).objectValue ?? [:]
                if let describeExtension {
                    for (key, value) in await describeExtension(withSchemas, context) {
                        if key == "methods", case .array(let own) = description["methods"] ?? [],
                            case .array(let more) = value
                        {
                            description["methods"] = .array(own + more)
                        } else {
                            description[key] = value
                        }
                    }
                }
                return .object(description)
            }
        default:
            return nil
        }
    }

    /// Throws INVALID_ARGUMENT unless `params` is absent or `{}`, as the schemas of the built-ins state.
    static func requireNoParams(_ params: JSONValue?, method: String) throws(RPCError) {
        guard let params, params != .object([:]) else {
            return
        }
        let first = params.objectValue?.keys.sorted().first
        throw RPCError(
            .invalidArgument,
            "\(method) takes no params; send none or {}, not \(params.brief)",
            details: ["field": .string(first?.clipped ?? "params")]
        )
    }

    /// Reads the params of `rpc.describe`: none, `{}` or `{"schemas": true}` for the full document, and
    /// `{"schemas": false}` for methods without schemas.
    static func describeWithSchemas(_ params: JSONValue?) throws(RPCError) -> Bool {
        guard let params, params != .null else {
            return true
        }
        guard let members = params.objectValue else {
            throw RPCError.invalidArgument(
                field: "params",
                "rpc.describe takes none, {} or {\"schemas\": false}, not \(params.brief)")
        }
        if let extra = members.keys.sorted().first(where: { $0 != "schemas" }) {
            throw RPCError.invalidArgument(
                field: extra.clipped,
                "params.\(extra.clipped) is not a parameter of rpc.describe; it takes only schemas")
        }
        switch members["schemas"] {
        case .bool(let flag)?:
            return flag
        case nil, .null?:
            return true
        default:
            throw RPCError.invalidArgument(
                field: "schemas", "schemas must be true (the default) or false (methods without their schemas)")
        }
    }

    /// The names of the methods every process serves itself.
    public static var builtInMethodNames: [String] {
        [pingDescriptor, healthDescriptor, describeDescriptor, cancelDescriptor].map(\.name)
    }

    /// The hello document: protocol version, limits and every method, with its schemas or, when
    /// `withSchemas` is false, only the names of its params.
    public func describe(withSchemas: Bool = true) -> JSONValue {
        let limits = configuration.limits
        let builtIns = [Self.pingDescriptor, Self.healthDescriptor, Self.describeDescriptor, Self.cancelDescriptor]
        return [
            "protocol": .string(Self.protocolVersion),
            "service": .string(configuration.processName),
            "limits": [
                "max_frame_bytes": .int(Int64(limits.maximumFrameBytes)),
                "max_batch": .int(Int64(RPCEnvelope.maximumBatchSize)),
                "max_in_flight": .int(Int64(configuration.maximumInFlight)),
                "idle_timeout_ms": .int(limits.idleTimeout.milliseconds),
                "partial_frame_timeout_ms": .int(limits.partialFrameTimeout.milliseconds),
                "max_connections": .int(Int64(limits.maximumConnections)),
                "max_outbound_bytes": .int(Int64(limits.maximumOutboundBytes)),
            ],
            "methods": .array(
                (builtIns.filter { methods[$0.name] == nil } + methods.descriptors).map {
                    withSchemas ? $0.json : $0.summaryJSON
                }),
        ]
    }

    static let pingDescriptor = MethodDescriptor(
        name: "rpc.ping",
        summary: "Returns \"pong\"; checks that the process answers.",
        scope: .anonymous,
        paramsSchema: ["type": "object", "additionalProperties": false],
        resultSchema: ["const": "pong"]
    )

    static let healthDescriptor = MethodDescriptor(
        name: "rpc.health",
        summary: "Reports SERVING or NOT_SERVING with the state of the process's store.",
        scope: .anonymous,
        paramsSchema: ["type": "object", "additionalProperties": false],
        resultSchema: [
            "type": "object",
            "properties": [
                "status": ["type": "string", "enum": ["SERVING", "NOT_SERVING"]],
                "service": ["type": "string"],
                "store": ["type": "object"],
                "uptime_ms": ["type": "integer"],
                "socket": ["type": "string"],
            ],
            "required": ["status", "service", "store", "uptime_ms"],
        ]
    )

    static let describeDescriptor = MethodDescriptor(
        name: "rpc.describe",
        summary:
            "Returns the protocol version, this process's limits and every method with JSON Schemas (with {\"schemas\": false}, only the names of its params).",
        scope: .anonymous,
        paramsSchema: [
            "type": "object", "properties": ["schemas": ["type": ["boolean", "null"]]], "additionalProperties": false,
        ],
        resultSchema: describeResultSchema
    )

    /// The hello document's shape. The gateway adds `service` to each method it routes and lists the
    /// services that did not reply under `unavailable`. A method's `params` and `result` are JSON
    /// Schemas, whose members depend on the method.
    private static var describeResultSchema: JSONValue {
        let limitNames: [JSONValue] = [
            "max_frame_bytes", "max_batch", "max_in_flight", "idle_timeout_ms", "partial_frame_timeout_ms",
            "max_connections", "max_outbound_bytes",
        ]
        let method: JSONValue = [
            "type": "object",
            "properties": [
                "name": ["type": "string"],
                "summary": ["type": "string"],
                "scope": ["type": "string", "enum": .array(MethodScope.allCases.map { .string($0.rawValue) })],
                "service": ["type": "string"],
                "params": ["type": "object"],
                "result": ["type": "object"],
                "param_names": ["type": "array", "items": ["type": "string"]],
            ],
            "required": ["name", "summary", "scope"],
            "additionalProperties": false,
        ]
        return [
            "type": "object",
            "properties": [
                "protocol": ["type": "string"],
                "service": ["type": "string"],
                "limits": [
                    "type": "object",
                    "properties": .object(
                        Dictionary(
                            uniqueKeysWithValues: limitNames.compactMap(\.stringValue).map { ($0, ["type": "integer"]) }
                        )
                    ),
                    "required": .array(limitNames),
                    "additionalProperties": false,
                ],
                "methods": ["type": "array", "items": method],
                "unavailable": ["type": "array", "items": ["type": "string"]],
            ],
            "required": ["protocol", "service", "limits", "methods"],
            "additionalProperties": false,
        ]
    }

    static let cancelDescriptor = MethodDescriptor(
        name: "rpc.cancel",
        summary: "Cancels a request in flight on the same connection, by its id.",
        scope: .anonymous,
        paramsSchema: [
            "type": "object",
            "properties": ["id": ["type": ["string", "integer"]]],
            "required": ["id"],
            "additionalProperties": false,
        ],
        resultSchema: [
            "type": "object", "properties": ["cancelled": ["type": "boolean"]], "required": ["cancelled"],
        ]
    )
}
