/// The company writes that store their result under `meta.idempotency_key`, so that a repeat of the key
/// returns that result instead of writing again.
///
/// The gateway and tenancy share the list. The gateway may refuse a user's call for a reason that arose
/// after the first try: the company was suspended, or its daily calls ran out. A call to one of these
/// methods with a key still gets the stored result of that first try, if there is one.
public enum IdempotentMethods {
    public static let all: Set<String> = [
        "companies.changeTier", "companies.configure", "companies.reactivate", "companies.suspend",
        "issues.assign", "issues.create", "issues.delete", "issues.transition", "issues.update",
        "teams.addMember", "teams.create", "teams.removeMember",
        "users.deactivate", "users.invite", "users.reactivate", "users.recoverAccess", "users.setRole",
    ]
}
