import MeshProtocol
import Synchronization

/// The params and result schemas of one method, recorded when asked for.
///
/// Recording walks a method's Codable types. Doing it for every method when a service starts cost
/// each process about 1 MB of resident memory, for schemas that only `rpc.describe` reports in full.
/// A call needs just the member names of its method's params and the values of its enum members, so
/// only those are kept, from the first request. Whole schemas are recorded again for each full
/// `rpc.describe` and not kept: the gateway's own describe, with `{"schemas": false}`, then leaves
/// about 0.4 MB less in each service.
final class LazySchemas: Sendable {
    struct Params: Sendable {
        /// The member names the params schema allows, or nil when it lists none (free-form params).
        let members: Set<String>?
        /// The values of each top-level member whose schema is an enum.
        let enums: [String: [JSONValue]]
    }

    private let recordParams: @Sendable () -> JSONValue
    private let recordResult: @Sendable () -> JSONValue
    private let recordedParams = Mutex<Params?>(nil)

    init(params: @escaping @Sendable () -> JSONValue, result: @escaping @Sendable () -> JSONValue) {
        recordParams = params
        recordResult = result
    }

    var params: Params {
        if let done = recordedParams.withLock({ $0 }) {
            return done
        }
        // Recording runs outside the lock. Two first callers may both record, and the first result is kept.
        let schema = recordParams()
        var members = schema["properties"]?.objectValue.map { Set($0.keys) }
        // A closed schema without properties takes no params at all, which is not free-form.
        if members == nil, schema["additionalProperties"] == false {
            members = []
        }
        let properties = schema["properties"]?.objectValue ?? [:]
        let fresh = Params(members: members, enums: properties.compactMapValues { $0["enum"]?.arrayValue })
        return recordedParams.withLock { stored in
            if let stored {
                return stored
            }
            stored = fresh
            return fresh
        }
    }

    /// The whole params schema, recorded afresh.
    var paramsSchema: JSONValue {
        recordParams()
    }

    /// The whole result schema, recorded afresh.
    var result: JSONValue {
        recordResult()
    }
}
