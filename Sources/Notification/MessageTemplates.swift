import TenantModel

/// The text of every message kind.
///
/// Each function depends only on its arguments (times come from the event, never from a clock), so a
/// handler that runs twice for the same event renders the same bytes.
enum MessageTemplates {
    static func welcome(
        company: String,
        companyID: String,
        tier: Tier,
        ownerName: String,
        token: String,
        expiresAtMs: Int64
    ) -> MessageText {
        let body = """
            \(greeting(ownerName))

            \(company) is now set up on TenantMesh with the \(tier.displayName) plan, and you are its owner.
            Its company id is \(companyID).

            To activate your account, accept your invitation with the mesh command-line tool:

                \(InvitationToken.acceptCommand(token))

            \(InvitationToken.whereToRun)
            Accepting it returns your API key. The key is shown only once, so store it safely.
            The invitation works once and expires on \(EmailDate.readable(expiresAtMs)).
            If the reply is lost, run the command again before you use the key: it returns a new key
            in place of the first.

            If you did not expect this message, ignore it: nothing happens until the invitation is accepted.

            \(signature)
            """
        return MessageText(subject: "Welcome to TenantMesh: activate \(company)", body: body, chat: nil)
    }

    static func invitation(
        company: String,
        inviteeName: String,
        role: String,
        token: String,
        expiresAtMs: Int64
    ) -> MessageText {
        let body = """
            \(greeting(inviteeName))

            You are invited to join \(company) on TenantMesh as \(article(role)) \(role).

            To accept, run this with the mesh command-line tool:

                \(InvitationToken.acceptCommand(token))

            \(InvitationToken.whereToRun)
            Accepting it returns your API key. The key is shown only once, so store it safely.
            The invitation works once and expires on \(EmailDate.readable(expiresAtMs)).
            If the reply is lost, run the command again before you use the key: it returns a new key
            in place of the first.

            If you did not expect this message, ignore it: nothing happens until the invitation is accepted.

            \(signature)
            """
        return MessageText(subject: "You are invited to join \(company) on TenantMesh", body: body, chat: nil)
    }

    static func accessRecovery(
        company: String,
        userName: String,
        token: String,
        expiresAtMs: Int64
    ) -> MessageText {
        let body = """
            \(greeting(userName))

            Someone who manages \(company) on TenantMesh asked for a new API key for you, for example because \
            your keys were lost or revoked. Your account, your role and any keys you still hold stay as they are.

            To get the new key, run this with the mesh command-line tool:

                \(InvitationToken.acceptCommand(token))

            \(InvitationToken.whereToRun)
            Accepting it returns your new API key. The key is shown only once, so store it safely.
            The invitation works once and expires on \(EmailDate.readable(expiresAtMs)).
            If the reply is lost, run the command again before you use the key: it returns a new key
            in place of the first. An earlier recovery \
            invitation stops working when this one is sent.

            If you did not expect this message, tell an owner of \(company): nothing happens until the \
            invitation is accepted.

            \(signature)
            """
        return MessageText(subject: "Your new API key for \(company) on TenantMesh", body: body, chat: nil)
    }

    /// Returns the notice of a tier change. A suspended company pays nothing until it is reactivated,
    /// so its notice states that instead of promising a proration.
    static func tierChanged(
        company: String,
        ownerName: String,
        from: Tier,
        to: Tier,
        suspended: Bool,
        atMs: Int64
    ) -> MessageText {
        let direction = to > from ? "upgraded" : "downgraded"
        let billing =
            suspended
            ? "While \(company) is suspended nothing is charged. The new price applies from its reactivation onward."
            : "The change is prorated over the rest of the current billing period and shows on the next invoice."
        let body = """
            \(greeting(ownerName))

            The plan of \(company) was \(direction) from \(from.displayName) to \(to.displayName) \
            on \(EmailDate.readable(atMs)).

            The \(to.displayName) plan costs \(dollars(to.priceCents)) per month. \(billing)

            \(signature)
            """
        return MessageText(
            subject: "\(company): plan changed from \(from.displayName) to \(to.displayName)",
            body: body,
            chat: "TenantMesh: \(company) was \(direction) from \(from.displayName) to \(to.displayName)."
        )
    }

    static func suspended(
        company: String,
        ownerName: String,
        reason: String,
        reactivateAtMs: Int64?,
        atMs: Int64
    ) -> MessageText {
        let until =
            reactivateAtMs.map { "It will be reactivated automatically on \(EmailDate.readable($0))." }
            ?? "It stays suspended until a platform operator reactivates it."
        let body = """
            \(greeting(ownerName))

            \(company) was suspended on \(EmailDate.readable(atMs)).
            Reason: \(reason)

            While it is suspended, every call made with your company's API keys fails with \
            FAILED_PRECONDITION, saying that the company is suspended. Your data is kept intact.
            \(until)

            \(signature)
            """
        return MessageText(
            subject: "\(company) is suspended on TenantMesh",
            body: body,
            chat: "TenantMesh: \(company) is suspended (\(reason)). \(until)"
        )
    }

    static func reactivated(company: String, ownerName: String, automatic: Bool, atMs: Int64) -> MessageText {
        let how = automatic ? "Its suspension ended automatically" : "A platform operator reactivated it"
        let body = """
            \(greeting(ownerName))

            \(company) is active again. \(how) on \(EmailDate.readable(atMs)).

            Calls made with your company's API keys work again.

            \(signature)
            """
        return MessageText(
            subject: "\(company) is active again on TenantMesh",
            body: body,
            chat: "TenantMesh: \(company) is active again."
        )
    }

    /// The line that starts an email signature by convention: two dashes and a space.
    static let signatureSeparator = "-- \n"

    /// The default sign-off that ends every body. A company's branding footer takes the place of the line
    /// after the separator.
    static let signature = signatureSeparator + "TenantMesh"

    /// `Hello Ada,`, or `Hello,` when the name is unknown.
    static func greeting(_ name: String) -> String {
        name.isEmpty ? "Hello," : "Hello \(name),"
    }

    private static func article(_ word: String) -> String {
        guard let first = word.lowercased().first else {
            return "a"
        }
        return "aeiou".contains(first) ? "an" : "a"
    }

    /// Cents as US dollars with two decimals, for example `$50.00`.
    static func dollars(_ cents: Int64) -> String {
        let remainder = cents % 100
        return "$\(cents / 100)." + (remainder < 10 ? "0\(remainder)" : "\(remainder)")
    }
}
