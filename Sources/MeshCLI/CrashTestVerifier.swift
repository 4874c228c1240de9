/// Compares the replies the crash test's clients received with what the mesh contains once every outbox
/// has drained, and reports each acknowledged write that is missing and each write or effect that exists
/// more than once.
///
/// Writes that were never acknowledged may or may not exist; they are only held to "at most once",
/// and every subscriber must agree with tenancy about them too.
struct CrashTestVerifier: Sendable {
    let ledger: CrashTestLedger.Contents
    let snapshot: CrashTestSnapshot
    /// Companies in tenancy for which `billing.subscription` failed with NOT_FOUND.
    let withoutSubscription: Set<String>
    /// The owner's address of each company in tenancy, by company id.
    let ownerEmails: [String: String]
    let crashes: Int

    func verify() -> CrashTestReport {
        var report = CrashTestReport(acknowledgedWrites: ledger.acknowledgedWrites, crashes: crashes)
        checkCompanies(&report)
        checkUsers(&report)
        checkIssues(&report)
        checkBilling(&report)
        checkAnalytics(&report)
        checkMail(&report)
        return report
    }

    private func checkCompanies(_ report: inout CrashTestReport) {
        let byID = Dictionary(grouping: snapshot.companies, by: \.companyID)
        for (companyID, copies) in byID where copies.count > 1 {
            report.duplicated(copies.count - 1, "companies.list lists company \(companyID) \(copies.count) times")
        }
        // Every name the writers use is new, so a name held by two companies is one provisioning applied twice.
        for (name, copies) in Dictionary(grouping: snapshot.companies, by: \.name) {
            let ids = Set(copies.map(\.companyID))
            if ids.count > 1 {
                report.duplicated(
                    ids.count - 1,
                    "company name '\(name)' belongs to \(ids.count) companies: \(ids.sorted().joined(separator: ", "))")
            }
        }

        for company in ledger.companies {
            guard let found = byID[company.companyID]?.first else {
                report.lost(
                    1,
                    "company \(company.companyID) '\(company.name)' was acknowledged but companies.list does not have it"
                )
                continue
            }
            if found.name != company.name {
                report.lost(
                    1, "company \(company.companyID) is named '\(found.name)' but was acknowledged as '\(company.name)'"
                )
            }
        }
    }

    private func checkUsers(_ report: inout CrashTestReport) {
        for (companyID, tenant) in snapshot.tenants {
            for (email, copies) in Dictionary(grouping: tenant.users, by: \.email) where copies.count > 1 {
                report.duplicated(copies.count - 1, "\(email) is \(copies.count) users of company \(companyID)")
            }
        }

        for user in ledger.users {
            let found = snapshot.tenants[user.companyID]?.users.first { $0.userID == user.userID }
            guard let found else {
                report.lost(
                    1,
                    "user \(user.userID) (\(user.email)) was acknowledged but users.list of \(user.companyID) does not have it"
                )
                continue
            }
            if found.email != user.email {
                report.lost(1, "user \(user.userID) has address \(found.email) but was acknowledged as \(user.email)")
            }
        }
    }

    private func checkIssues(_ report: inout CrashTestReport) {
        for (companyID, tenant) in snapshot.tenants {
            for (title, copies) in Dictionary(grouping: tenant.issues, by: \.title) where copies.count > 1 {
                let keys = copies.map(\.key).joined(separator: ", ")
                report.duplicated(
                    copies.count - 1, "issue '\(title)' exists \(copies.count) times in company \(companyID): \(keys)")
            }
            for (key, copies) in Dictionary(grouping: tenant.issues, by: \.key) where copies.count > 1 {
                report.duplicated(
                    copies.count - 1, "issue key \(key) is used \(copies.count) times in company \(companyID)")
            }
        }

        for issue in ledger.issues {
            let found = snapshot.tenants[issue.companyID]?.issues.first { $0.issueID == issue.issueID }
            guard let found else {
                report.lost(
                    1,
                    "issue \(issue.key) (\(issue.issueID)) was acknowledged but issues.list of \(issue.companyID) does not have it"
                )
                continue
            }
            if found.key != issue.key || found.title != issue.title {
                report.lost(
                    1,
                    "issue \(issue.issueID) is \(found.key) '\(found.title)' but was acknowledged as \(issue.key) '\(issue.title)'"
                )
            }
        }
    }

    private func checkBilling(_ report: inout CrashTestReport) {
        for companyID in withoutSubscription.sorted() {
            report.lost(1, "billing has no subscription for company \(companyID)")
        }
        // The test suspends and deletes no company, so each has one active subscription, counted once.
        let companies = Int64(Set(snapshot.companies.map(\.companyID)).count)
        report.compare(
            found: snapshot.billingActive + Int64(withoutSubscription.count),
            expected: companies,
            "billing.overview active_subscriptions (plus companies without a subscription)"
        )
    }

    private func checkAnalytics(_ report: inout CrashTestReport) {
        let companies = Int64(Set(snapshot.companies.map(\.companyID)).count)
        report.compare(
            found: snapshot.analyticsCompanies, expected: companies, "analytics.systemOverview total_companies")

        for companyID in snapshot.tenants.keys.sorted() {
            guard let tenant = snapshot.tenants[companyID] else {
                continue
            }
            let users = Int64(tenant.users.count)
            let issues = Int64(tenant.issues.count)
            report.compare(found: tenant.analyticsUsers, expected: users, "analytics usage.users of \(companyID)")
            report.compare(found: tenant.analyticsIssues, expected: issues, "analytics usage.issues of \(companyID)")
            report.compare(
                found: tenant.analyticsIssuesCreated, expected: issues,
                "analytics issues_created per day, summed, of \(companyID)"
            )
        }
    }

    private func checkMail(_ report: inout CrashTestReport) {
        var expected: [String: String] = [:]
        for company in snapshot.companies {
            guard let owner = ownerEmails[company.companyID] else {
                report.lost(1, "company \(company.companyID) has no owner in users.list")
                continue
            }
            expected[owner.lowercased()] = "welcome to the owner of \(company.companyID)"
        }
        for (companyID, tenant) in snapshot.tenants {
            for user in tenant.users where user.role != "owner" {
                expected[user.email.lowercased()] = "invitation of user \(user.userID) of \(companyID)"
            }
        }

        let received = snapshot.mail.byRecipient
        for (address, message) in expected.sorted(by: { $0.key < $1.key }) {
            let count = received[address] ?? 0
            if count == 0 {
                report.lost(1, "no \(message) in the outbox (to \(address))")
            } else if count > 1 {
                report.duplicated(count - 1, "\(count) messages to \(address), the \(message)")
            }
        }
        for (address, count) in received.sorted(by: { $0.key < $1.key }) where expected[address] == nil {
            report.duplicated(count, "\(count) messages to \(address), whom no company or user in tenancy has")
        }
        if !snapshot.mail.unreadable.isEmpty {
            report.duplicated(
                snapshot.mail.unreadable.count,
                "outbox files without a To: header: \(snapshot.mail.unreadable.sorted().joined(separator: ", "))"
            )
        }
    }
}
