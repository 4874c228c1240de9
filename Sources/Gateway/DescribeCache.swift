import MeshProtocol
import Synchronization

/// The gateway's `rpc.describe` result, shared by the calls that want it at the same time and kept for
/// a few seconds.
///
/// Each description requests the four services' methods and parses replies of hundreds of kilobytes.
/// Built once per call, 256 pipelined calls with full schemas took the gateway's memory past 140 MiB.
/// Shared, they cost one build. Only a description in which every service replied is kept, so a service that
/// was down shows up as soon as it answers again.
final class DescribeCache: Sendable {
    /// How long a complete description is reused. Services change their methods only when a new build
    /// of them starts.
    static let lifetime: Duration = .seconds(5)

    private struct Entry {
        var value: [String: JSONValue]
        var builtAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Bool: Entry] = [:]
        var building: [Bool: Task<[String: JSONValue], Never>] = [:]
    }

    private let state = Mutex(State())

    /// Returns the description with or without schemas: a fresh kept one, the one being built for
    /// another caller, or the one `build` makes now.
    func description(
        withSchemas: Bool, build: @escaping @Sendable () async -> [String: JSONValue]
    ) async -> [String: JSONValue] {
        let task = state.withLock { state -> Task<[String: JSONValue], Never>? in
            if let entry = state.entries[withSchemas], ContinuousClock.now - entry.builtAt < Self.lifetime {
                return nil
            }
            if let running = state.building[withSchemas] {
                return running
            }
            let started = Task { await build() }
            state.building[withSchemas] = started
            return started
        }
        guard let task else {
            return state.withLock { $0.entries[withSchemas]?.value } ?? [:]
        }

        let value = await task.value
        state.withLock { state in
            if state.building[withSchemas] == task {
                state.building[withSchemas] = nil
                if value["unavailable"]?.arrayValue?.isEmpty == true {
                    state.entries[withSchemas] = Entry(value: value, builtAt: .now)
                }
            }
        }
        return value
    }
}
