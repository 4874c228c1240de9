/// The topics services publish, in one place so publishers and subscribers use the same strings.
///
/// Payloads are JSON objects whose members are documented in docs/EVENTS.md.
public enum EventTopic {
    public static let companyProvisioned = "company.provisioned"
    public static let companyConfigured = "company.configured"
    public static let companyTierChanged = "company.tier_changed"
    public static let companySuspended = "company.suspended"
    public static let companyReactivated = "company.reactivated"
    public static let companyDeleted = "company.deleted"

    public static let userInvited = "user.invited"
    public static let userActivated = "user.activated"
    public static let userUpdated = "user.updated"
    public static let userDeactivated = "user.deactivated"
    public static let userReactivated = "user.reactivated"
    /// An active user was sent a recovery invitation that gives a new API key. It changes no user's
    /// state, so it stays out of `user`, the set analytics receives.
    public static let userAccessRecoveryIssued = "user.access_recovery_issued"

    public static let teamCreated = "team.created"
    public static let teamMemberAdded = "team.member_added"
    public static let teamMemberRemoved = "team.member_removed"

    public static let issueCreated = "issue.created"
    public static let issueUpdated = "issue.updated"
    public static let issueTransitioned = "issue.transitioned"
    public static let issueResolved = "issue.resolved"
    public static let issueReopened = "issue.reopened"
    public static let issueDeleted = "issue.deleted"

    /// A company's usage rose across 80% or 100% of a tier limit; see `UsageThreshold`.
    public static let usageThresholdReached = "usage.threshold_reached"
    /// The calls the gateway failed in one flush interval, which operator alert rules count.
    public static let gatewayFailures = "gateway.failures"

    public static let company: Set<String> = [
        companyProvisioned, companyConfigured, companyTierChanged, companySuspended, companyReactivated,
        companyDeleted,
    ]
    public static let user: Set<String> = [userInvited, userActivated, userUpdated, userDeactivated, userReactivated]
    public static let team: Set<String> = [teamCreated, teamMemberAdded, teamMemberRemoved]
    public static let issue: Set<String> = [
        issueCreated, issueUpdated, issueTransitioned, issueResolved, issueReopened, issueDeleted,
    ]
}
