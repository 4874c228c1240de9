import MeshProtocol
import MeshStore

/// Stored first results of idempotent requests, keyed by method and the client's idempotency key.
///
/// The key, the request and the result are written in the transaction that makes the change, so a
/// retry either finds all of it or none.
enum Idempotency {
    /// Returns the stored result text for `key`, or nil when the key is new.
    ///
    /// - Throws: ALREADY_EXISTS when the key was used for a different request.
    static func replay(method: String, key: String, request: JSONValue, in connection: Connection) throws -> String? {
        let row = try connection.queryOne(
            "SELECT request, result FROM idempotency WHERE method = ? AND key = ?",
            [.text(method), .text(key)]
        )
        guard let row else {
            return nil
        }

        guard try row.requireString("request") == JSONWriter.string(request) else {
            throw RPCError(
                .alreadyExists,
                "idempotency key '\(key)' was already used for a different \(method) request; use a new key for new params",
                details: ["idempotency_key": .string(key), "method": .string(method)]
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
