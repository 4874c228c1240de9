import TenantModel

extension CompanyReport {
    static let teamsNote =
        "Team analytics are part of Premium and Platinum; upgrade to see members, open issues and resolution time per team."

    static let issuesPerWeekNote = advancedNote(
        "Weekly rollups", then: "issues_per_day has the same counts day by day.")

    static let trendsNote = advancedNote("Month-over-month trends")

    static let percentilesNote = advancedNote(
        "Median and 90th-percentile resolution times", then: "mean_ms is shown on every tier.")

    /// Says which tiers have a withheld advanced figure, named from `Tier.hasAdvancedAnalytics`.
    private static func advancedNote(_ figures: String, then remark: String? = nil) -> String {
        let tiers = Tier.allCases.filter(\.hasAdvancedAnalytics).map(\.displayName).joined(separator: " and ")
        let note = "\(figures) are advanced analytics, part of \(tiers); upgrade to see them."
        return remark.map { note + " " + $0 } ?? note
    }

    /// Returns the report as a company of `tier` may see it.
    ///
    /// Without advanced analytics, `issues_per_week`, `trends` and the median and 90th-percentile
    /// resolution times are null, each with a note naming the tiers that have them. Nothing else changes:
    /// the gate withholds figures and never alters one.
    func limited(to tier: Tier) -> CompanyReport {
        guard !tier.hasAdvancedAnalytics else {
            return self
        }

        var report = self
        report.issuesPerWeek = nil
        report.issuesPerWeekNote = Self.issuesPerWeekNote
        report.trends = nil
        report.trendsNote = Self.trendsNote
        report.resolutionTime.medianMs = nil
        report.resolutionTime.p90Ms = nil
        report.resolutionTime.percentilesNote = Self.percentilesNote
        return report
    }
}
