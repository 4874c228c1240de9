import MeshProtocol
import MeshRuntime

extension GatewayRouter {
    /// Every public method of the services behind the gateway, for the gateway's `rpc.describe`.
    ///
    /// A service that does not answer is listed under `unavailable`, and its methods are missing.
    func publicMethods() async -> [String: JSONValue] {
        var methods: [JSONValue] = []
        var unavailable: [JSONValue] = []
        for service in GatewayRouter.services {
            var meta = RequestMeta()
            meta.timeoutMs = 5_000
            guard let description = try? await peers.call(service, "rpc.describe", meta: meta) else {
                unavailable.append(.string(service))
                continue
            }
            for method in description["methods"]?.arrayValue ?? [] {
                let name = method["name"]?.stringValue ?? ""
                let scope = method["scope"]?.stringValue ?? MethodScope.internal.rawValue
                if !name.hasPrefix("rpc.") && scope != MethodScope.internal.rawValue {
                    var annotated = method.objectValue ?? [:]
                    annotated["service"] = .string(service)
                    methods.append(.object(annotated))
                }
            }
        }
        return ["methods": .array(methods), "unavailable": .array(unavailable)]
    }
}
