import MeshProtocol
import MeshRuntime
import MeshStore

/// Runs a write on one company's data, once per `meta.idempotency_key` when the caller sends one.
///
/// Keys are kept per company and per caller. The caller's access to the company is checked before a
/// stored result is replayed, so a key never hands a result to a caller who may no longer see the
/// company, nor to another user of it. The change, the key and the result commit in one transaction,
/// so a retry finds either all of them or none.
enum IdempotentWrite {
    /// Checks access to company `companyID`, then replays the result stored under the key, or runs
    /// `body` and stores its result. Relays the events `body` published unless the result was replayed.
    ///
    /// - Parameter params: the request as the method decoded it; a repeat of the key must send the same.
    static func run<Params: Encodable, Output: Codable & Sendable>(
        _ params: Params,
        companyID: String,
        caller: Caller,
        atMs now: Int64,
        context: MethodContext,
        env: ServiceEnvironment,
        _ body: @escaping @Sendable (CompanyRecord, Connection) throws -> Output
    ) async throws -> Output {
        let key = try context.meta.idempotencyKey.map(Idempotency.validate)
        let request = key == nil ? JSONValue.null : try JSONValue(encoding: params)
        let method = context.method

        // A replay-only call (see Caller.replayOnly) returns the stored result or fails, and never writes.
        if caller.replayOnly && key == nil {
            throw Caller.noStoredResult
        }
        let (result, replayed) = try await env.store.write(deadline: context.deadline) { connection in
            try Reactivator.reactivateIfDue(companyID, now: now, in: connection)
            let company = try TenancyAccess.company(companyID, in: connection, for: caller)
            do {
                return try Idempotency.once(
                    method: method, companyID: company.id, caller: caller, key: key, request: request, atMs: now,
                    in: connection
                ) {
                    guard !caller.replayOnly else {
                        throw Caller.noStoredResult
                    }
                    return try body(company, connection)
                }
            } catch let error as RPCError
                where caller.replayOnly && error.status == .alreadyExists && error.details?["idempotency_key"] != nil
            {
                // A key reused with other params has no stored result for these params either, so the
                // gateway returns its own refusal (a suspended company, a rate limit), the real reason.
                throw Caller.noStoredResult
            }
        }

        if !replayed {
            env.eventsPublished()
        }
        return result
    }
}
