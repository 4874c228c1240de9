import MeshProtocol
import MeshStore
import TenantModel

/// Compares what a company uses with every limit of a tier it wants to move to.
enum TierLimitCheck {
    /// One limit the company is over, with what to do about it.
    struct Violation: Codable, Sendable, Hashable {
        /// users, issues, custom_fields, integrations, branding or statuses.
        var limit: String
        var current: JSONValue
        var allowed: JSONValue
        var action: String
    }

    /// Lists every limit of `target` that `company` exceeds now, or nothing when it fits.
    static func violations(_ company: CompanyRecord, target: Tier, atMs now: Int64, in connection: Connection) throws
        -> [Violation]
    {
        var found: [Violation] = []

        let seats = try CompanyUsage.seats(company.id, atMs: now, in: connection)
        if let maximum = target.maximumUsers, seats > maximum {
            found.append(
                Violation(
                    limit: "users", current: .int(Int64(seats)), allowed: .int(Int64(maximum)),
                    action:
                        "deactivate \(counted(seats - maximum, "user")) with users.deactivate; invitations neither accepted nor expired hold a seat too"
                ))
        }

        let issues = try CompanyUsage.issues(company.id, in: connection)
        if let maximum = target.maximumIssues, issues > maximum {
            found.append(
                Violation(
                    limit: "issues", current: .int(Int64(issues)), allowed: .int(Int64(maximum)),
                    action: "delete \(counted(issues - maximum, "issue")) with issues.delete"
                ))
        }

        let fields = company.settings.customFields.count
        if let maximum = target.maximumCustomFields, fields > maximum {
            found.append(
                Violation(
                    limit: "custom_fields", current: .int(Int64(fields)), allowed: .int(Int64(maximum)),
                    action: "remove \(counted(fields - maximum, "custom field")) with companies.configure"
                ))
        }

        let allowedIntegrations = Set(target.allowedIntegrations.map(\.rawValue))
        let disallowed = company.settings.integrations.filter { !allowedIntegrations.contains($0) }
        if !disallowed.isEmpty {
            found.append(
                Violation(
                    limit: "integrations",
                    current: .array(disallowed.map { .string($0) }),
                    allowed: .array(allowedIntegrations.sorted().map { .string($0) }),
                    action: "disable \(disallowed.joined(separator: ", ")) with companies.configure"
                        + (disallowed.contains { $0.hasSuffix("webhook") }
                            ? "; if no webhook integration remains, also pass webhook_url null in the same call" : "")
                ))
        }

        if let branding = company.settings.branding, !target.hasWhiteLabel {
            found.append(
                Violation(
                    limit: "branding",
                    current: (try? JSONValue(encoding: branding)) ?? .null,
                    allowed: false,
                    action:
                        "remove the white-label branding with companies.configure (settings {\"branding\": null}), then retry the downgrade"
                ))
        }

        if !target.allowsCustomStatuses && company.settings.statuses != CompanySettings.basicStatuses {
            let fixed = CompanySettings.basicStatuses
            found.append(
                Violation(
                    limit: "statuses",
                    current: .array(company.settings.statuses.map { .string($0) }),
                    allowed: .array(fixed.map { .string($0) }),
                    action: try statusesAction(company, to: fixed, in: connection)
                ))
        }
        return found
    }

    /// Returns the action that reaches the fixed workflow `fixed`: one `companies.configure`, with
    /// `status_moves` for the dropped statuses that live issues use, then the downgrade again.
    private static func statusesAction(
        _ company: CompanyRecord,
        to fixed: [String],
        in connection: Connection
    ) throws -> String {
        let statuses = fixed.joined(separator: ", ")
        let dropped = Set(company.settings.statuses).subtracting(fixed)
        let used = try CompanyUsage.issuesByStatus(company.id, in: connection)
            .filter { dropped.contains($0.key) && $0.value > 0 }.keys
        guard !used.isEmpty else {
            return "set statuses to \(statuses) with companies.configure, then retry the downgrade"
        }

        let example = StatusMoves.example(for: used, from: company.settings.statuses, to: fixed)
        return "first call companies.configure with statuses \(statuses) and status_moves for the statuses "
            + "issues still use, for example \"status_moves\": \(JSONWriter.string(example)), then retry the downgrade"
    }

    /// Returns `count` followed by `noun`, with an s when the count is not one.
    private static func counted(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }
}
