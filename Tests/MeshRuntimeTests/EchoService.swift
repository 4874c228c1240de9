import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore

/// A small service for exercising the runtime over real sockets.
enum EchoService: MeshService {
    static let name = "echo"

    static let migrations = [
        Migration(id: 1, name: "notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);")
    ]

    struct EchoParams: Codable, Sendable {
        let text: String
        let repeatCount: Int?

        enum CodingKeys: String, CodingKey {
            case text
            case repeatCount = "repeat_count"
        }
    }

    struct EchoResult: Codable, Sendable {
        let text: String
    }

    struct SleepParams: Codable, Sendable {
        let milliseconds: Int
    }

    enum Mood: String, Codable, Sendable, CaseIterable, JSONSchemaProviding {
        case calm
        case cheerful
    }

    struct MoodParams: Codable, Sendable {
        let mood: Mood
    }

    struct NoteParams: Codable, Sendable {
        let text: String
    }

    struct NoteResult: Codable, Sendable {
        let id: Int64
        let count: Int64
    }

    static func make(_ environment: ServiceEnvironment) throws -> ServiceParts {
        var parts = ServiceParts()
        // Tests of the default budget set one; the echo service has none otherwise.
        parts.defaultTimeout = environment.variables["ECHO_DEFAULT_TIMEOUT_MS"].flatMap(Int64.init).map {
            .milliseconds($0)
        }
        parts.methods.register("echo.say", summary: "Returns the text, repeated.", scope: .anonymous) {
            (params: EchoParams, _) in
            EchoResult(text: String(repeating: params.text, count: max(1, params.repeatCount ?? 1)))
        }
        parts.methods.register("echo.export", summary: "Returns the text, repeated, whole.", scope: .anonymous) {
            (params: EchoParams, _) in
            EchoResult(text: String(repeating: params.text, count: max(1, params.repeatCount ?? 1)))
        }
        parts.methods.register("echo.sleep", summary: "Waits, then returns.", scope: .anonymous) {
            (params: SleepParams, _) in
            try await Task.sleep(for: .milliseconds(params.milliseconds))
            return EchoResult(text: "slept \(params.milliseconds)")
        }
        parts.methods.register("echo.slowQuery", summary: "Runs a long query under the deadline.", scope: .anonymous) {
            (_: NoParams, context) in
            let count = try await environment.store.read(deadline: context.deadline) { connection in
                try connection.scalarInt(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n"
                )
            }
            return EchoResult(text: "\(count ?? 0)")
        }
        parts.methods.register("echo.budget", summary: "Returns the meta.timeout_ms it received.", scope: .anonymous) {
            (_: NoParams, context) in
            EchoResult(text: context.meta.timeoutMs.map { String($0) } ?? "none")
        }
        parts.methods.register("echo.mood", summary: "Returns the mood.", scope: .anonymous) {
            (params: MoodParams, _) in
            EchoResult(text: params.mood.rawValue)
        }
        parts.methods.register("echo.note", summary: "Stores a note.", scope: .anonymous) {
            (params: NoteParams, _) in
            try await environment.store.write { connection in
                try connection.execute("INSERT INTO notes (text) VALUES (?)", [.text(params.text)])
                let id = connection.lastInsertRowID
                let count = try connection.scalarInt("SELECT count(*) FROM notes") ?? 0
                return NoteResult(id: id, count: count)
            }
        }
        parts.methods.register("echo.whoami", summary: "Returns the caller's kind.", scope: .company) {
            (_: NoParams, context) in
            EchoResult(text: try context.requireCaller().kind.rawValue)
        }
        // Each `echo.noted` event stores its payload's text, so event delivery can be tested end to end.
        // An event without a text is rejected for good, as a service rejects an event it can never apply.
        parts.eventHandlers["echo.noted"] = { event, connection in
            guard let text = event.payload["text"]?.stringValue else {
                throw RPCError.invalidArgument(
                    field: "payload.text", "echo.noted event \(event.eventID) needs a string text in its payload")
            }
            try connection.execute("INSERT INTO notes (text) VALUES (?)", [.text(text)])
        }
        return parts
    }
}
