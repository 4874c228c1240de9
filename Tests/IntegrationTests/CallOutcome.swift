import MeshClient
import MeshProtocol

/// The outcome of one call through the gateway: its result or its error.
enum CallOutcome {
    case success(JSONValue)
    case failure(RPCError)

    /// Calls `method` and keeps whatever comes back instead of throwing.
    static func of(_ client: MeshClient, _ method: String, _ params: JSONValue, idempotencyKey: String? = nil) async
        -> CallOutcome
    {
        do {
            return .success(
                try await client.call(method, params, timeout: .seconds(15), idempotencyKey: idempotencyKey))
        } catch {
            return .failure(error)
        }
    }

    /// The error's status, nil for a success.
    var status: RPCStatus? {
        if case .failure(let error) = self {
            return error.status
        }
        return nil
    }

    var error: RPCError? {
        if case .failure(let error) = self {
            return error
        }
        return nil
    }

    /// Everything the caller received, as one text to search.
    var text: String {
        switch self {
        case .success(let value):
            return JSONWriter.string(value)
        case .failure(let error):
            return "\(error.status.name) \(error.message) \(error.details.map { JSONWriter.string($0) } ?? "")"
        }
    }

    /// A short form for test failure messages.
    var summary: String {
        let text = self.text
        let shown = text.count <= 300 ? text : String(text.prefix(300)) + "..."
        return status == nil ? "success: \(shown)" : "error: \(shown)"
    }
}
