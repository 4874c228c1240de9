import MeshProtocol

extension MethodContext {
    /// Runs `body`, and turns a retryable NOT_FOUND it throws into a final one when tenancy has no
    /// company `companyID` either.
    ///
    /// Billing and analytics learn of a company from events, so a company they have no row of is either
    /// one provisioned a moment ago (retry shortly) or an id that does not exist (a typo). Only tenancy
    /// can tell the two apart. When tenancy cannot be reached, the retryable error is thrown unchanged.
    public func confirmingCompany<T: Sendable>(_ companyID: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard let pending = error as? RPCError, pending.status == .notFound, pending.retryable else {
                throw error
            }
            throw await companyNotYetReceived(companyID, pending: pending)
        }
    }

    /// Returns `pending` when tenancy has the company, a final NOT_FOUND when it has not, and `pending`
    /// with the reason added when tenancy does not reply.
    ///
    /// Tenancy gets half the caller's remaining budget, and at most a second, so that a tenancy that
    /// does not reply still leaves time to return the retryable error.
    private func companyNotYetReceived(_ companyID: String, pending: RPCError) async -> RPCError {
        var meta = downstreamMeta(caller: .service)
        meta.timeoutMs = min((meta.timeoutMs ?? 2_000) / 2, 1_000)
        do {
            _ = try await peers.call(
                "tenancy", "companies.get", params: ["company_id": .string(companyID)], meta: meta)
            return pending
        } catch {
            guard error.status == .notFound else {
                return unconfirmed(pending, tenancyError: error)
            }
            return RPCError.notFound("company", companyID)
        }
    }

    /// Returns `pending` with the reason that tenancy could not confirm the company. The company may
    /// still exist, so the error stays retryable, but the id may as well be mistyped, and a service that
    /// runs alone learns of companies only from events delivered to it.
    private func unconfirmed(_ pending: RPCError, tenancyError: RPCError) -> RPCError {
        var details = pending.details?.objectValue ?? [:]
        details["tenancy_status"] = .string(tenancyError.status.name)

        return RPCError(
            pending.status,
            "\(pending.message). Tenancy did not reply to confirm the company (\(tenancyError.status.name): \(tenancyError.message.clipped)); when this service runs alone, deliver the company's company.provisioned event to it first",
            details: .object(details),
            retryAfterMs: pending.retryAfterMs,
            retryable: pending.retryable
        )
    }
}
