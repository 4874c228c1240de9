import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension UserHandlers {
    static func registerInvite(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "users.invite",
            summary: "Adds an invited user and mails a single-use invitation; refused past the tier's user limit.",
            scope: .company
        ) { (params: InviteParams, context) -> InviteResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            let email = try InputCheck.email(params.email, field: "email")
            let name = try InputCheck.text(params.name, field: "name")
            let role = try InputCheck.role(params.role ?? Role.member.rawValue)
            if role == .owner {
                try requireOwnerPower(caller, for: "invite an owner")
            }
            let now = env.clock.nowMs()

            let result = try await env.store.write { connection in
                try invite(
                    companyID: params.companyID, email: email, name: name, role: role, caller: caller, atMs: now,
                    in: connection
                )
            }
            env.eventsPublished()
            return result
        }
    }

    /// Counts seats and inserts in the same transaction, so concurrent invitations cannot pass the limit.
    static func invite(
        companyID: String,
        email: String,
        name: String,
        role: Role,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> InviteResult {
        let company = try TenancyAccess.company(companyID, in: connection, for: caller)

        let existing = try connection.queryOne(
            "SELECT id, status FROM users WHERE company_id = ? AND email = ?", [.text(company.id), .text(email)]
        )
        if let existing {
            let id = try existing.requireString("id")
            let hint = existing.string("status") == UserStatus.deactivated.rawValue
                ? "reactivate user \(id) with users.reactivate" : "user \(id) already has it"
            throw RPCError(
                .alreadyExists,
                "\(email) is already a user of company \(company.id); \(hint)",
                details: ["user_id": .string(id), "email": .string(email)]
            )
        }
        try requireSeat(company, in: connection)

        let user = UserRecord(
            id: Identifier.make(prefix: "usr"), companyID: company.id, email: email, name: name, role: role,
            status: .invited, atMs: now
        )
        try user.insert(in: connection)
        let invitedBy = CompanyHandlers.actorName(caller)
        let invitation = try Invitations.create(
            companyID: company.id, userID: user.id, invitedBy: invitedBy, atMs: now, in: connection
        )

        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "users.invite", targetType: "user",
            targetID: user.id, before: nil, after: user.view.json, atMs: now
        )
        try connection.publish(
            EventTopic.userInvited,
            [
                "company_id": .string(company.id), "user_id": .string(user.id), "email": .string(email),
                "name": .string(name), "role": .string(role.rawValue), "invitation": invitation.eventJSON,
                "invited_by": .string(invitedBy), "at_ms": .int(now),
            ],
            atMs: now
        )
        return InviteResult(user: user.view, invitation: invitation.view)
    }
}
