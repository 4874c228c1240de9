import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

extension UserHandlers {
    static func registerInvite(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "users.invite",
            summary:
                "Adds an invited user and mails a single-use invitation; refused past the tier's user limit; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: InviteParams, context) -> InviteResult in
            let caller = try TenancyAccess.require(context, method: context.method)
            var problems = ParamProblems()
            let email = problems.check { try InputCheck.email(params.email, field: "email") }
            let name = problems.check { try InputCheck.text(params.name, field: "name") }
            let role = problems.check { try InputCheck.role(params.role ?? Role.member.rawValue) }
            guard let email, let name, let role else {
                throw problems.combined(method: "users.invite")
            }
            if role == .owner {
                try requireOwnerPower(caller, for: "invite an owner", method: "users.invite")
            }
            // The normalized request is what a repeat of the key must match.
            let request: JSONValue = ["email": .string(email), "name": .string(name), "role": .string(role.rawValue)]
            let now = env.clock.nowMs()

            return try await IdempotentWrite.run(
                request, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
            ) { _, connection in
                try invite(
                    companyID: params.companyID, email: email, name: name, role: role, roleGiven: params.role != nil,
                    caller: caller, atMs: now, in: connection
                )
            }
        }
    }

    /// Invites a new user, or sends a fresh invitation to one who is still invited. Counting seats and
    /// inserting share one transaction, so concurrent invitations cannot pass the limit.
    ///
    /// - Parameter roleGiven: whether the call named `role`; a fresh invitation without one keeps the
    ///   stored role.
    static func invite(
        companyID: String,
        email: String,
        name: String,
        role: Role,
        roleGiven: Bool,
        caller: Caller,
        atMs now: Int64,
        in connection: Connection
    ) throws -> InviteResult {
        let company = try TenancyAccess.company(companyID, in: connection, for: caller)

        let existing = try connection.queryOne(
            "SELECT \(UserRecord.columns) FROM users WHERE company_id = ? AND email = ?",
            [.text(company.id), .text(email)]
        ).map(UserRecord.init(row:))
        if let existing {
            // An invited user who lost or let expire the invitation gets a fresh one instead of an error.
            guard existing.status == .invited else {
                let hint =
                    existing.status == .deactivated
                    ? "reactivate user \(existing.id) with users.reactivate"
                    : "user \(existing.id) is already active; if they lost their API key, mail them a new invitation "
                        + "with users.recoverAccess"
                throw RPCError(
                    .alreadyExists,
                    "\(email) is already a user of company \(company.id); \(hint)",
                    details: ["user_id": .string(existing.id), "email": .string(email)]
                )
            }
            // A fresh invitation keeps the stored name and role, so a call that names others would
            // succeed without doing what it requests.
            guard existing.role == role || !roleGiven, existing.name == name else {
                throw RPCError(
                    .alreadyExists,
                    "\(email) is already invited to company \(company.id) as \(existing.role.rawValue) under the name '\(existing.name.clipped)'; to send a fresh invitation, call users.invite with that name and role, and to change the role, call users.setRole for user \(existing.id) first",
                    details: [
                        "user_id": .string(existing.id), "email": .string(email),
                        "role": .string(existing.role.rawValue),
                        "name": .string(existing.name),
                    ]
                )
            }
            // Once every invitation of the user has expired, the user has no seat and takes one again.
            if try !Invitations.hasLive(userID: existing.id, atMs: now, in: connection) {
                try requireSeat(company, atMs: now, in: connection)
            }
            return try reinvite(existing, caller: caller, atMs: now, in: connection)
        }
        try requireSeat(company, atMs: now, in: connection)

        let user = UserRecord(
            id: Identifier.make(prefix: "usr"), companyID: company.id, email: email, name: name, role: role,
            status: .invited, atMs: now
        )
        try user.insert(in: connection)
        try AuditLog.record(
            connection: connection, companyID: company.id, actor: caller, action: "users.invite", targetType: "user",
            targetID: user.id, before: nil, after: user.view.json, atMs: now
        )
        return try sendInvitation(to: user, caller: caller, atMs: now, in: connection)
    }

    /// Replaces the invitation of a user who has not accepted one yet. Earlier tokens stop working, and
    /// the user keeps the role and name stored at the first invitation. Subscribers then see a second
    /// `user.invited` for the same `user_id`, so they must key invited users by that id.
    static func reinvite(_ user: UserRecord, caller: Caller, atMs now: Int64, in connection: Connection) throws
        -> InviteResult
    {
        if user.role == .owner {
            try requireOwnerPower(caller, for: "invite an owner", method: "users.invite")
        }

        try connection.execute(
            "UPDATE invitations SET expires_at_ms = ? WHERE user_id = ? AND used_at_ms IS NULL AND expires_at_ms > ?",
            [.integer(now), .text(user.id), .integer(now)]
        )
        try AuditLog.record(
            connection: connection, companyID: user.companyID, actor: caller, action: "users.reinvite",
            targetType: "user", targetID: user.id, before: user.view.json, after: user.view.json, atMs: now
        )
        return try sendInvitation(to: user, caller: caller, atMs: now, in: connection)
    }

    /// Creates an invitation for `user` and publishes `user.invited` carrying its token.
    static func sendInvitation(to user: UserRecord, caller: Caller, atMs now: Int64, in connection: Connection) throws
        -> InviteResult
    {
        let invitedBy = CompanyHandlers.actorName(caller)
        let invitation = try Invitations.create(
            companyID: user.companyID, userID: user.id, invitedBy: invitedBy, atMs: now, in: connection
        )
        try connection.publish(
            EventTopic.userInvited,
            [
                "company_id": .string(user.companyID), "user_id": .string(user.id), "email": .string(user.email),
                "name": .string(user.name), "role": .string(user.role.rawValue), "invitation": invitation.eventJSON,
                "invited_by": .string(invitedBy), "at_ms": .int(now),
            ],
            atMs: now
        )
        return InviteResult(user: user.view, invitation: invitation.view)
    }
}
