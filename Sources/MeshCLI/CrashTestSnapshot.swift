import MeshClient
import MeshProtocol

/// What the mesh contains at one moment, read through the gateway with the root key: tenancy's companies,
/// the test companies' users and issues, and what billing, analytics and notification made of them.
struct CrashTestSnapshot: Sendable {
    struct Company: Sendable, Hashable {
        let companyID: String
        let name: String
    }

    struct User: Sendable, Hashable {
        let userID: String
        let email: String
        let role: String
    }

    struct Issue: Sendable, Hashable {
        let issueID: String
        let key: String
        let title: String
    }

    /// One test company as tenancy and analytics see it.
    struct Tenant: Sendable {
        var users: [User] = []
        var issues: [Issue] = []
        /// `usage.users.current` of the analytics report.
        var analyticsUsers: Int64 = 0
        /// `usage.issues.current` of the analytics report.
        var analyticsIssues: Int64 = 0
        /// The sum of `issues_per_day[].issues_created`: counted once per `issue.created` applied.
        var analyticsIssuesCreated: Int64 = 0
    }

    var companies: [Company] = []
    /// Company id of each test company to its view.
    var tenants: [String: Tenant] = [:]
    /// `billing.overview.active_subscriptions`.
    var billingActive: Int64 = 0
    /// `analytics.systemOverview.total_companies`.
    var analyticsCompanies: Int64 = 0
    var mail = CrashTestOutbox.Scan()

    /// Messages the companies and users in tenancy call for: a welcome per company, an invitation per
    /// user invited into a test company.
    var expectedMail: Int {
        companies.count + tenants.values.reduce(0) { $0 + $1.users.filter { $0.role != "owner" }.count }
    }

    /// Whether billing, analytics and notification have caught up with every write in tenancy.
    var isSettled: Bool {
        let count = Int64(companies.count)
        guard billingActive == count, analyticsCompanies == count, mail.fileCount == expectedMail else {
            return false
        }
        return tenants.values.allSatisfy { tenant in
            let users = Int64(tenant.users.count)
            let issues = Int64(tenant.issues.count)
            return tenant.analyticsUsers == users && tenant.analyticsIssues == issues
                && tenant.analyticsIssuesCreated == issues
        }
    }

    /// The figures that move while events are still being delivered, to tell when they stop moving.
    var progress: [Int64] {
        var figures = [Int64(companies.count), billingActive, analyticsCompanies, Int64(mail.fileCount)]
        for companyID in tenants.keys.sorted() {
            let tenant = tenants[companyID] ?? Tenant()
            figures += [
                Int64(tenant.users.count), Int64(tenant.issues.count), tenant.analyticsUsers, tenant.analyticsIssues,
                tenant.analyticsIssuesCreated,
            ]
        }
        return figures
    }

    static func load(root: MeshClient, tenantIDs: [String], outbox: CrashTestOutbox) async throws(RPCError)
        -> CrashTestSnapshot
    {
        var snapshot = CrashTestSnapshot()

        for company in try await pages(root, "companies.list", [:], member: "companies") {
            snapshot.companies.append(
                Company(companyID: company["company_id"]?.stringValue ?? "", name: company["name"]?.stringValue ?? "")
            )
        }
        for companyID in tenantIDs {
            snapshot.tenants[companyID] = try await tenant(companyID, root: root)
        }

        let billing = try await root.call("billing.overview", [:], timeout: .seconds(10))
        snapshot.billingActive = billing["active_subscriptions"]?.intValue ?? -1
        let overview = try await root.call("analytics.systemOverview", [:], timeout: .seconds(10))
        snapshot.analyticsCompanies = overview["total_companies"]?.intValue ?? -1

        snapshot.mail = outbox.scan()
        return snapshot
    }

    /// Returns the users of `companyID` in tenancy, every page.
    static func users(of companyID: String, root: MeshClient) async throws(RPCError) -> [User] {
        try await pages(root, "users.list", ["company_id": .string(companyID)], member: "users").map { user in
            User(
                userID: user["user_id"]?.stringValue ?? "",
                email: user["email"]?.stringValue ?? "",
                role: user["role"]?.stringValue ?? ""
            )
        }
    }

    private static func tenant(_ companyID: String, root: MeshClient) async throws(RPCError) -> Tenant {
        var tenant = Tenant()
        tenant.users = try await users(of: companyID, root: root)
        tenant.issues = try await pages(root, "issues.list", ["company_id": .string(companyID)], member: "issues").map {
            issue in
            Issue(
                issueID: issue["issue_id"]?.stringValue ?? "",
                key: issue["key"]?.stringValue ?? "",
                title: issue["title"]?.stringValue ?? ""
            )
        }

        // Analytics learns of a company from its first event, so NOT_FOUND only means "not yet".
        let report: JSONValue
        do {
            report = try await root.call(
                "analytics.companyReport", ["company_id": .string(companyID)], timeout: .seconds(10))
        } catch  where error.status == .notFound {
            return tenant
        }
        tenant.analyticsUsers = report["usage"]?["users"]?["current"]?.intValue ?? -1
        tenant.analyticsIssues = report["usage"]?["issues"]?["current"]?.intValue ?? -1
        tenant.analyticsIssuesCreated = (report["issues_per_day"]?.arrayValue ?? []).reduce(0) { sum, day in
            sum + (day["issues_created"]?.intValue ?? 0)
        }
        return tenant
    }

    /// Returns every item of a paged list method, following `next_cursor` with the largest page size.
    private static func pages(
        _ root: MeshClient,
        _ method: String,
        _ params: [String: JSONValue],
        member: String
    ) async throws(RPCError) -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: String?
        repeat {
            var page = params
            page["limit"] = 200
            if let cursor {
                page["cursor"] = .string(cursor)
            }
            let result = try await root.call(method, .object(page), timeout: .seconds(10))
            items += result[member]?.arrayValue ?? []
            cursor = result["next_cursor"]?.stringValue
        } while cursor != nil
        return items
    }
}
