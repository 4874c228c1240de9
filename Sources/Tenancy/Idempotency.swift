import MeshProtocol
import MeshRuntime
import MeshStore

/// Stored first results of idempotent requests, keyed by method and the client's idempotency key.
///
/// The key, the request and the result are written in the transaction that makes the change, so a
/// retry either finds all of it or none.
enum Idempotency {
    /// Returns the stored result text for `key`, or nil when the key is new.
    ///
    /// - Parameter shownAs: the key as the client sent it, for the error message, when `key` is scoped.
    /// - Throws: ALREADY_EXISTS when the key was used for a different request.
    static func replay(
        method: String,
        key: String,
        shownAs clientKey: String? = nil,
        request: JSONValue,
        in connection: Connection
    ) throws -> String? {
        let row = try connection.queryOne(
            "SELECT request, result FROM idempotency WHERE method = ? AND key = ?",
            [.text(method), .text(key)]
        )
        guard let row else {
            return nil
        }

        guard try row.requireString("request") == JSONWriter.string(request) else {
            let keyInMessage = clientKey ?? key
            throw RPCError(
                .alreadyExists,
                "idempotency key '\(keyInMessage)' was already used for a different \(method) request; use a new key for new params",
                details: ["idempotency_key": .string(keyInMessage), "method": .string(method)]
            )
        }
        return try row.requireString("result")
    }

    static func store(
        method: String,
        key: String,
        request: JSONValue,
        result: String,
        atMs: Int64,
        in connection: Connection
    ) throws {
        try connection.execute(
            "INSERT INTO idempotency (method, key, request, result, created_at_ms) VALUES (?, ?, ?, ?, ?)",
            [.text(method), .text(key), .text(JSONWriter.string(request)), .text(result), .integer(atMs)]
        )
    }

    /// Returns the result stored for `key` within `companyID` and `caller`, or runs `body`, stores its
    /// result under the key and returns it. Without a key it only runs `body`.
    ///
    /// Keys are kept apart per company and per caller (each user, and root). Two tenants that happen to
    /// choose the same key never meet, and a stored result only goes back to the caller whose call made
    /// it, who passed that method's checks of role and target.
    static func once<Result: Codable>(
        method: String,
        companyID: String,
        caller: Caller,
        key: String?,
        request: JSONValue,
        atMs: Int64,
        in connection: Connection,
        _ body: () throws -> Result
    ) throws -> (result: Result, replayed: Bool) {
        guard let key else {
            return (try body(), false)
        }

        let scopedKey = [companyID, caller.userID ?? caller.kind.rawValue, key].joined(separator: "/")
        if let stored = try replay(method: method, key: scopedKey, shownAs: key, request: request, in: connection) {
            return (try JSONParser.parse(stored).decode(Result.self), true)
        }

        let result = try body()
        let resultText = JSONWriter.string(try JSONValue(encoding: result))
        try store(method: method, key: scopedKey, request: request, result: resultText, atMs: atMs, in: connection)
        return (result, false)
    }

    /// Checks the shape of a key from `meta.idempotency_key`.
    static func validate(_ key: String) throws -> String {
        guard !key.isEmpty, key.count <= 200 else {
            throw RPCError.invalidArgument(
                field: "meta.idempotency_key",
                "meta.idempotency_key must have 1 to 200 characters; it has \(key.count)"
            )
        }
        return key
    }
}
