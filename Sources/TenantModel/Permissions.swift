/// The permission table: the lowest company role that may call each public method.
///
/// The gateway checks it before routing, and tenancy checks it again, so a call that skips the gateway
/// gains nothing. Methods absent from `minimumRole` and not root-only are open to every role (reads).
/// Root (the operator key) may call every method. docs/PERMISSIONS.md prints this table.
public enum Permissions {
    /// Methods only platform operators may call.
    public static let rootOnly: Set<String> = [
        "companies.provision",
        "companies.list",
        "companies.suspend",
        "companies.reactivate",
        "companies.delete",
        "analytics.systemOverview",
        "billing.payInvoice",
        "billing.overview",
        "billing.runCycle",
        "notifications.retry",
        "notifications.alerts",
        "notifications.deadLetters",
    ]

    /// Methods anyone may call without an API key.
    public static let anonymous: Set<String> = [
        "auth.acceptInvitation"
    ]

    public static let minimumRole: [String: Role] = [
        // Reads open to every role, listed so the table names every tenancy method.
        "companies.get": .viewer,
        "users.list": .viewer,
        "users.get": .viewer,
        "auth.listKeys": .viewer,

        // Company settings and lifecycle.
        "companies.configure": .admin,
        "companies.changeTier": .owner,
        "companies.export": .owner,
        "companies.exportPage": .owner,
        "audit.list": .owner,

        // People and access.
        "users.invite": .admin,
        "users.setRole": .admin,
        "users.deactivate": .admin,
        "users.reactivate": .admin,
        "users.recoverAccess": .admin,
        "auth.createKey": .member,
        "auth.revokeKey": .member,

        // Teams.
        "teams.create": .admin,
        "teams.addMember": .admin,
        "teams.removeMember": .admin,

        // Issues.
        "issues.create": .member,
        "issues.update": .member,
        "issues.transition": .member,
        "issues.assign": .member,
        "issues.delete": .admin,

        // Billing.
        "billing.invoices": .admin,

        // The mail log names every recipient and carries the owner's billing notices.
        "notifications.list": .admin,
        "notifications.get": .admin,
    ]

    /// The lowest role allowed to call `method`, `.viewer` for reads open to every role.
    public static func requiredRole(_ method: String) -> Role {
        minimumRole[method] ?? .viewer
    }

    /// Whether a user holding `role` may call `method`. Root-only methods are never allowed to users.
    public static func allows(_ role: Role, _ method: String) -> Bool {
        if rootOnly.contains(method) {
            return false
        }
        return role >= requiredRole(method)
    }
}
