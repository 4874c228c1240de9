import MeshProtocol
import MeshRuntime
import MeshStore

/// The `notifications.*` methods.
enum NotificationMethods {
    static let defaultPageSize = 50
    static let maximumPageSize = 200

    /// - Parameter relayed: whether an SMTP relay is configured, without which no email can be retried.
    static func register(into methods: inout MethodTable, env: ServiceEnvironment, relayed: Bool) {
        let store = env.store
        let clock = env.clock

        methods.register(
            "notifications.list",
            summary: "Lists a company's messages, newest first, without their text.",
            scope: .company
        ) { (params: ListMessagesParams, context) -> MessagePage in
            try context.requireCompany(params.companyID)

            let limit = try PageLimit.check(params.limit, defaultLimit: defaultPageSize, maximum: maximumPageSize)
            // Message numbers count every company's messages, so the cursor is sealed: in the clear, its gaps
            // would tell how much other companies were sent.
            let beforeSeq = try env.cursors.sequence(
                params.cursor, method: context.method, companyID: params.companyID)

            let page = try await context.confirmingCompany(params.companyID) {
                try await store.read { connection in
                    try requireKnown(params.companyID, in: connection)
                    return try MessageView.page(
                        companyID: params.companyID, beforeSeq: beforeSeq, limit: limit, in: connection)
                }
            }
            let next = page.nextCursor.flatMap { Int64($0) }.map {
                env.cursors.sequenceCursor($0, method: context.method, companyID: params.companyID)
            }
            return MessagePage(messages: page.messages, nextCursor: next)
        }

        methods.register(
            "notifications.get",
            summary: "Returns one message of a company and how its delivery went.",
            scope: .company
        ) { (params: GetMessageParams, context) -> MessageView in
            // Operator alerts belong to no company: their company_id is "", for root alone.
            if params.companyID.isEmpty {
                _ = try context.requireRoot()
            } else {
                try context.requireCompany(params.companyID)
            }

            let message = try await store.read { connection in
                try rejectDeleted(params.companyID, in: connection)
                return try MessageView.load(params.messageID, in: connection)
            }
            guard let message, message.companyID == params.companyID else {
                throw RPCError.notFound("message", params.messageID)
            }
            return message
        }

        methods.register(
            "notifications.retry",
            summary: "Sends a dead-lettered webhook or relayed email message again, with a fresh set of attempts.",
            scope: .root
        ) { (params: RetryMessageParams, context) -> MessageView in
            _ = try context.requireRoot()

            let message = try await store.write { connection in
                try retry(params.messageID, relayed: relayed, now: clock.nowMs(), in: connection)
            }
            context.logger.info(
                "message.retry_requested", ["message_id": message.messageID, "company_id": message.companyID])
            return message
        }

        methods.register(
            "notifications.alerts",
            summary: "Lists the operator alerts that fired, newest first, with the figures that fired them.",
            scope: .root
        ) { (params: OperatorPageParams, context) -> AlertPage in
            let page = try await operatorPage(params, context: context, env: env) { beforeSeq, limit, connection in
                let page = try AlertView.page(beforeSeq: beforeSeq, limit: limit, in: connection)
                return (page.alerts, page.nextCursor)
            }
            return AlertPage(alerts: page.items, nextCursor: page.nextCursor)
        }

        methods.register(
            "notifications.deadLetters",
            summary: "Lists the dead-lettered messages of every company and the operator's alerts, newest first.",
            scope: .root
        ) { (params: OperatorPageParams, context) -> MessagePage in
            let page = try await operatorPage(params, context: context, env: env) { beforeSeq, limit, connection in
                let page = try MessageView.deadLetters(beforeSeq: beforeSeq, limit: limit, in: connection)
                return (page.messages, page.nextCursor)
            }
            return MessagePage(messages: page.items, nextCursor: page.nextCursor)
        }

        methods.register(
            "notifications.export",
            summary: "Returns a company's recipients, channels and messages for its data export.",
            scope: .internal
        ) { (params: ExportParams, context) -> NotificationExport in
            try context.requireCompany(params.companyID)

            return try await store.read { connection in
                NotificationExport(
                    companyID: params.companyID,
                    company: try CompanyRecord.load(params.companyID, in: connection).map(
                        NotificationExport.Company.init),
                    messages: try MessageView.all(companyID: params.companyID, in: connection)
                )
            }
        }

        methods.register(
            "notifications.exportPage",
            summary: "One page of a company's recipients, channels and messages, for its data export in pages.",
            scope: .internal
        ) { (params: ExportPageParams, context) -> ExportPage in
            try context.requireCompany(params.companyID)

            return try await store.read { connection in
                try NotificationExport.plan(companyID: params.companyID).page(params, connection)
            }
        }
    }

    /// Reads a page of one of root's lists, which span every company. Their cursors are sealed, like a
    /// company's, for the company id "".
    private static func operatorPage<Item: Sendable>(
        _ params: OperatorPageParams,
        context: MethodContext,
        env: ServiceEnvironment,
        _ read: @escaping @Sendable (Int64?, Int, Connection) throws -> (items: [Item], nextCursor: String?)
    ) async throws -> (items: [Item], nextCursor: String?) {
        _ = try context.requireRoot()

        let limit = try PageLimit.check(params.limit, defaultLimit: defaultPageSize, maximum: maximumPageSize)
        let beforeSeq = try env.cursors.sequence(params.cursor, method: context.method, companyID: "")

        let page = try await env.store.read { connection in
            try read(beforeSeq, limit, connection)
        }
        let next = page.nextCursor.flatMap { Int64($0) }.map {
            env.cursors.sequenceCursor($0, method: context.method, companyID: "")
        }
        return (page.items, next)
    }

    /// Throws NOT_FOUND for a deleted company, as every other service does. Its messages stay stored
    /// for `notifications.export` only. Operator alerts (company id "") belong to no company.
    /// Throws a retryable NOT_FOUND for a company notification has no record of. That is a company
    /// provisioned a moment ago, whose event is on its way, or an id that does not exist, and
    /// `confirmingCompany` separates the two. Throws NOT_FOUND for a deleted company, like `rejectDeleted`.
    static func requireKnown(_ companyID: String, in connection: Connection) throws {
        guard try CompanyRecord.load(companyID, in: connection) != nil else {
            throw RPCError(
                .notFound,
                "company '\(companyID.clipped)' is not known to notification yet; it learns of a company shortly "
                    + "after provisioning, so retry in a few seconds, and check the id if it persists",
                details: ["kind": "company", "company_id": .string(companyID.clipped)],
                retryAfterMs: 1_000,
                retryable: true
            )
        }
        try rejectDeleted(companyID, in: connection)
    }

    static func rejectDeleted(_ companyID: String, in connection: Connection) throws {
        if let company = try CompanyRecord.load(companyID, in: connection), company.status == .deleted {
            throw RPCError.notFound("company", companyID)
        }
    }

    /// Puts a dead webhook message back in the queue with its attempt count reset.
    static func retry(_ messageID: String, relayed: Bool, now: Int64, in connection: Connection) throws -> MessageView {
        guard let message = try MessageView.load(messageID, in: connection) else {
            throw RPCError(
                .notFound, "message '\(messageID)' was not found; notifications.list shows a company's message ids",
                details: ["kind": "message", "id": .string(messageID)])
        }
        // A deleted company's messages are gone for every method but the export, whatever their state.
        let company = message.companyID.isEmpty ? nil : try CompanyRecord.load(message.companyID, in: connection)
        if let company, company.status == .deleted {
            throw RPCError(
                .notFound, "message '\(messageID)' was not found; notifications.list shows a company's message ids",
                details: ["kind": "message", "id": .string(messageID)])
        }
        guard message.status == .dead else {
            throw RPCError(
                .failedPrecondition,
                "message \(messageID) is \(message.status.rawValue), not dead; only dead-lettered messages can be retried",
                details: ["message_id": .string(messageID), "status": .string(message.status.rawValue)]
            )
        }
        // A message abandoned while its attempt ran is dead, but that attempt may still deliver it, and a
        // reset now would send it a second time.
        let started = try connection.scalarInt(
            "SELECT attempt_started_ms FROM messages WHERE message_id = ?", [.text(messageID)])
        if let started {
            throw RPCError(
                .failedPrecondition,
                "message \(messageID) is being sent right now (attempt \(message.attempts) began at \(UTCTime.iso8601(milliseconds: started))); wait for that attempt's outcome with notifications.get, and retry only if the message is still dead",
                details: ["message_id": .string(messageID), "attempt": .int(Int64(message.attempts))],
                retryAfterMs: 1_000,
                retryable: true
            )
        }
        guard message.channel == .webhook || relayed else {
            throw RPCError(
                .failedPrecondition,
                "message \(messageID) is an email and no SMTP relay is configured; its file is in the outbox folder. "
                    + "Set MESH_SMTP_URL and restart the mesh to relay it",
                details: ["message_id": .string(messageID), "channel": .string(message.channel.rawValue)]
            )
        }

        // An operator alert belongs to no company, so only its status matters.
        if message.companyID.isEmpty {
            return try reset(messageID, now: now, in: connection) ?? message
        }

        guard let company else {
            throw RPCError(
                .failedPrecondition,
                "message \(messageID) belongs to company \(message.companyID), which notification does not know; "
                    + "nothing is sent for it",
                details: ["message_id": .string(messageID), "company_id": .string(message.companyID)]
            )
        }
        let deactivated = try connection.queryOne(
            "SELECT user_id FROM users WHERE company_id = ? AND email = ? AND status = 'deactivated'",
            [.text(message.companyID), .text(message.recipient)]
        )?.string("user_id")
        if message.channel == .email, let deactivated {
            throw RPCError(
                .failedPrecondition,
                "message \(messageID) is for user \(deactivated), who is deactivated; reactivate the user first "
                    + "(users.reactivate), and check the address before sending anything to it",
                details: ["message_id": .string(messageID), "user_id": .string(deactivated)]
            )
        }
        guard message.channel == .email || company.activeWebhook == message.recipient else {
            throw RPCError(
                .failedPrecondition,
                "message \(messageID) was for a webhook URL that company \(message.companyID) no longer uses; "
                    + "it is not sent to the new one",
                details: ["message_id": .string(messageID), "company_id": .string(message.companyID)]
            )
        }

        return try reset(messageID, now: now, in: connection) ?? message
    }

    /// Gives a message five fresh attempts, the first due now, and returns it as stored. `last_error` keeps
    /// the reason it died until the next attempt replaces it.
    private static func reset(_ messageID: String, now: Int64, in connection: Connection) throws -> MessageView? {
        try connection.execute(
            """
            UPDATE messages SET status = 'pending', attempts = 0, next_attempt_ms = ?, attempt_started_ms = NULL
            WHERE message_id = ?
            """,
            [.integer(now), .text(messageID)]
        )
        // If it dies again, the operator hears of it again.
        try connection.execute("DELETE FROM dead_message_alerts WHERE message_id = ?", [.text(messageID)])
        return try MessageView.load(messageID, in: connection)
    }
}
