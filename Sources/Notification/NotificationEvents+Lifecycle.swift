import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension NotificationEvents {
    /// Tells the owners (and the company's webhook) about a new tier.
    func companyTierChanged(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard var company = try liveCompany(payload, in: connection) else {
            return
        }
        let from = try Tier.parse(try payload.string("from_tier"), field: payload.field("from_tier"))
        let to = try Tier.parse(try payload.string("to_tier"), field: payload.field("to_tier"))
        let atMs = try payload.instant("at_ms")

        company.tier = to
        company.updatedAtMs = atMs
        try company.save(in: connection)

        let messages = try ownerMessages(company, kind: .tierChanged, dateMs: atMs, in: connection) { ownerName in
            MessageTemplates.tierChanged(
                company: company.name, ownerName: ownerName, from: from, to: to,
                suspended: company.status == .suspended, atMs: atMs)
        }
        try dispatcher.dispatch(messages, for: event, companyID: company.companyID, in: connection)
    }

    /// Tells the owners (and the company's webhook) that the company is suspended, why, and until when.
    func companySuspended(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard var company = try liveCompany(payload, in: connection) else {
            return
        }
        let reason = try payload.optionalString("reason").flatMap { $0.isEmpty ? nil : $0 } ?? "no reason was given"
        let reactivateAtMs = try payload.optionalInt("reactivate_at_ms")
        let atMs = try payload.instant("at_ms")

        company.status = .suspended
        company.updatedAtMs = atMs
        try company.save(in: connection)

        let messages = try ownerMessages(company, kind: .suspended, dateMs: atMs, in: connection) { ownerName in
            MessageTemplates.suspended(
                company: company.name, ownerName: ownerName, reason: reason, reactivateAtMs: reactivateAtMs, atMs: atMs)
        }
        try dispatcher.dispatch(messages, for: event, companyID: company.companyID, in: connection)
        try checkSuspendedCompanies(event, atMs: atMs, in: connection)
    }

    /// Tells the owners (and the company's webhook) that the company works again.
    func companyReactivated(_ event: MeshEvent, _ connection: Connection) throws {
        let payload = EventPayload(event)
        guard var company = try liveCompany(payload, in: connection) else {
            return
        }
        let automatic = try payload.optionalBool("automatic") ?? false
        let atMs = try payload.instant("at_ms")

        company.status = .active
        company.updatedAtMs = atMs
        try company.save(in: connection)

        let messages = try ownerMessages(company, kind: .reactivated, dateMs: atMs, in: connection) { ownerName in
            MessageTemplates.reactivated(company: company.name, ownerName: ownerName, automatic: automatic, atMs: atMs)
        }
        try dispatcher.dispatch(messages, for: event, companyID: company.companyID, in: connection)
        try checkSuspendedCompanies(event, atMs: atMs, in: connection)
    }
}
