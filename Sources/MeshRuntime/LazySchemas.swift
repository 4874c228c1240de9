import MeshProtocol
import Synchronization

/// The params and result schemas of one method, recorded on the first request for them.
///
/// Recording walks a method's Codable types. Doing it for every method when a service starts cost
/// each process about 1 MB of resident memory, for schemas that only `rpc.describe` reports in full.
/// A call needs just the member names of its method's params.
final class LazySchemas: Sendable {
    struct Recorded: Sendable {
        let params: JSONValue
        let result: JSONValue
        /// The member names the params schema allows, or nil when it lists none (free-form params).
        let paramMembers: Set<String>?
    }

    private let record: @Sendable () -> (params: JSONValue, result: JSONValue)
    private let recorded = Mutex<Recorded?>(nil)

    init(_ record: @escaping @Sendable () -> (params: JSONValue, result: JSONValue)) {
        self.record = record
    }

    var value: Recorded {
        if let done = recorded.withLock({ $0 }) {
            return done
        }

        // Recording runs outside the lock. Two first callers may both record, and the first result is kept.
        let schemas = record()
        let members = schemas.params["properties"]?.objectValue.map { Set($0.keys) }
        let fresh = Recorded(params: schemas.params, result: schemas.result, paramMembers: members)
        return recorded.withLock { stored in
            if let stored {
                return stored
            }
            stored = fresh
            return fresh
        }
    }
}
