import MeshProtocol
import Synchronization

/// The params and result schemas of one method, each recorded on the first request for it.
///
/// Recording walks a method's Codable types. Doing it for every method when a service starts cost
/// each process about 1 MB of resident memory, for schemas that only `rpc.describe` reports in full.
/// A call needs just the member names of its method's params, so a call never records the result.
final class LazySchemas: Sendable {
    struct Params: Sendable {
        let schema: JSONValue
        /// The member names the params schema allows, or nil when it lists none (free-form params).
        let members: Set<String>?
        /// The values of each top-level member whose schema is an enum.
        let enums: [String: [JSONValue]]
    }

    private let recordParams: @Sendable () -> JSONValue
    private let recordResult: @Sendable () -> JSONValue
    private let recordedParams = Mutex<Params?>(nil)
    private let recordedResult = Mutex<JSONValue?>(nil)

    init(params: @escaping @Sendable () -> JSONValue, result: @escaping @Sendable () -> JSONValue) {
        recordParams = params
        recordResult = result
    }

    var params: Params {
        // Recording runs outside the lock. Two first callers may both record, and the first result is kept.
        Self.once(recordedParams) {
            let schema = recordParams()
            var members = schema["properties"]?.objectValue.map { Set($0.keys) }
            // A closed schema without properties takes no params at all, which is not free-form.
            if members == nil, schema["additionalProperties"] == false {
                members = []
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            let enums = properties.compactMapValues { $0["enum"]?.arrayValue }
            return Params(schema: schema, members: members, enums: enums)
        }
    }

    var result: JSONValue {
        Self.once(recordedResult, recordResult)
    }

    private static func once<Value: Sendable>(_ slot: borrowing Mutex<Value?>, _ record: () -> Value) -> Value {
        if let done = slot.withLock({ $0 }) {
            return done
        }
        let fresh = record()
        return slot.withLock { stored in
            if let stored {
                return stored
            }
            stored = fresh
            return fresh
        }
    }
}
