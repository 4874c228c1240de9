import Foundation
import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel

/// `teams.create`, `teams.list`, `teams.addMember` and `teams.removeMember`.
enum TeamHandlers {
    /// The maximum length of a team name, in characters.
    static let maximumNameLength = 100

    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        methods.register(
            "teams.create",
            summary:
                "Creates a team in a company; names are unique per company, ignoring case; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: TeamCreateParams, context) in
            try await create(params, context: context, env: env)
        }

        methods.register(
            "teams.list",
            summary: "Lists a company's teams by name with their member ids and member counts, a page at a time.",
            scope: .company
        ) { (params: TeamListParams, context) in
            let caller = try TenancyAccess.require(context, method: "teams.list")
            let limit = try PageLimit.check(params.limit)
            return try await env.store.read(deadline: context.deadline) { connection in
                _ = try TenancyAccess.company(params.companyID, in: connection, for: caller)
                return try Team.page(companyID: params.companyID, after: params.cursor, limit: limit, in: connection)
            }
        }

        methods.register(
            "teams.addMember",
            summary:
                "Adds an invited or active user of the company to a team; a user may join several teams; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: TeamMemberParams, context) in
            try await addMember(params, context: context, env: env)
        }

        methods.register(
            "teams.removeMember",
            summary: "Removes a user from a team; idempotent by meta.idempotency_key.",
            scope: .company
        ) { (params: TeamMemberParams, context) in
            try await removeMember(params, context: context, env: env)
        }
    }

    static func create(_ params: TeamCreateParams, context: MethodContext, env: ServiceEnvironment) async throws -> Team
    {
        let caller = try TenancyAccess.require(context, method: "teams.create")
        let name = try validName(params.name)
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
        ) { _, connection in
            if let existing = try Team.named(name, companyID: params.companyID, in: connection) {
                throw RPCError(
                    .alreadyExists,
                    "company \(params.companyID) already has a team named '\(existing)' (names ignore case); pick another name",
                    details: ["field": "name", "value": .string(name), "existing": .string(existing)]
                )
            }

            let team = Team(
                id: Identifier.make(prefix: "team"),
                companyID: params.companyID,
                name: name,
                createdAtMs: now,
                memberIDs: []
            )
            try team.insert(in: connection)

            try AuditLog.record(
                connection: connection, companyID: team.companyID, actor: caller, action: "teams.create",
                targetType: "team", targetID: team.id, before: nil, after: team.json, atMs: now
            )
            try connection.publish(
                EventTopic.teamCreated,
                [
                    "company_id": .string(team.companyID), "team_id": .string(team.id), "name": .string(team.name),
                    "at_ms": .int(now),
                ],
                atMs: now
            )
            return team
        }
    }

    static func addMember(_ params: TeamMemberParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> Team
    {
        let caller = try TenancyAccess.require(context, method: "teams.addMember")
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
        ) { _, connection in
            let before = try Team.load(params.teamID, companyID: params.companyID, in: connection)
            try WorkspaceHandlers.requireWorkingUser(
                params.userID, companyID: params.companyID, field: "user_id", in: connection
            )

            guard !before.memberIDs.contains(params.userID) else {
                throw RPCError(
                    .alreadyExists,
                    "user \(params.userID) is already a member of team '\(before.name)'; nothing to add",
                    details: ["team_id": .string(before.id), "user_id": .string(params.userID)]
                )
            }
            try connection.execute(
                "INSERT INTO team_members (team_id, user_id, added_at_ms) VALUES (?, ?, ?)",
                [.text(before.id), .text(params.userID), .integer(now)]
            )

            let after = try Team.load(before.id, companyID: params.companyID, in: connection)
            try recordMembership(
                EventTopic.teamMemberAdded, action: "teams.addMember", before: before, after: after,
                userID: params.userID, caller: caller, atMs: now, in: connection
            )
            return after
        }
    }

    static func removeMember(_ params: TeamMemberParams, context: MethodContext, env: ServiceEnvironment) async throws
        -> Team
    {
        let caller = try TenancyAccess.require(context, method: "teams.removeMember")
        let now = env.clock.nowMs()

        return try await IdempotentWrite.run(
            params, companyID: params.companyID, caller: caller, atMs: now, context: context, env: env
        ) { _, connection in
            let before = try Team.load(params.teamID, companyID: params.companyID, in: connection)

            // A deactivated user may still be removed, so membership alone is checked.
            guard before.memberIDs.contains(params.userID) else {
                throw RPCError(
                    .notFound,
                    "user \(params.userID) is not a member of team '\(before.name)'; teams.list shows each team's members",
                    details: ["kind": "team_member", "team_id": .string(before.id), "user_id": .string(params.userID)]
                )
            }
            try connection.execute(
                "DELETE FROM team_members WHERE team_id = ? AND user_id = ?",
                [.text(before.id), .text(params.userID)]
            )

            let after = try Team.load(before.id, companyID: params.companyID, in: connection)
            try recordMembership(
                EventTopic.teamMemberRemoved, action: "teams.removeMember", before: before, after: after,
                userID: params.userID, caller: caller, atMs: now, in: connection
            )
            return after
        }
    }

    /// Writes the audit entry and the event of a membership change.
    private static func recordMembership(
        _ topic: String,
        action: String,
        before: Team,
        after: Team,
        userID: String,
        caller: Caller,
        atMs: Int64,
        in connection: Connection
    ) throws {
        try AuditLog.record(
            connection: connection, companyID: after.companyID, actor: caller, action: action,
            targetType: "team", targetID: after.id, before: before.json, after: after.json, atMs: atMs
        )
        try connection.publish(
            topic,
            [
                "company_id": .string(after.companyID), "team_id": .string(after.id), "user_id": .string(userID),
                "at_ms": .int(atMs),
            ],
            atMs: atMs
        )
    }

    /// Returns `name` trimmed, or throws INVALID_ARGUMENT when it is empty or too long.
    static func validName(_ name: String) throws(RPCError) -> String {
        let trimmed = InputCheck.trimmed(name)
        guard !trimmed.isEmpty else {
            throw RPCError.invalidArgument(
                field: "name", "name is empty; give the team a name of 1 to \(maximumNameLength) characters")
        }
        guard trimmed.unicodeScalars.count <= maximumNameLength else {
            throw RPCError.invalidArgument(
                field: "name",
                "name has \(trimmed.unicodeScalars.count) characters; shorten it to at most \(maximumNameLength)"
            )
        }
        if let problem = InputCheck.lineProblem(trimmed, field: "name") {
            throw RPCError.invalidArgument(field: "name", problem)
        }
        return trimmed
    }
}
