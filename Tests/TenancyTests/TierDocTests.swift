import Foundation
import TenantModel
import Testing

/// The tier table in docs/TENANCY.md states the same limits as the code.
@Suite struct TierDocTests {
    @Test func tableMatchesTheTiers() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/TENANCY.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        func row(_ label: String) -> [String] {
            let line = text.split(separator: "\n").first { $0.hasPrefix("| \(label) |") } ?? ""
            return line.split(separator: "|").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func shown(_ value: Int?) -> String { value.map(String.init) ?? "unlimited" }

        let tiers: [Tier] = [.basic, .premium, .platinum]
        #expect(row("Users (invited and active)") == tiers.map { shown($0.maximumUsers) })
        #expect(row("Issues (not deleted)") == tiers.map { shown($0.maximumIssues) })
        #expect(row("API calls per UTC day") == tiers.map { shown($0.maximumAPICallsPerDay) })
        #expect(row("Custom fields") == tiers.map { shown($0.maximumCustomFields) })
        #expect(row("Report history (days)") == tiers.map { shown($0.reportingHistoryDays) })
        #expect(
            row("Price per month (USD)")
                == tiers.map { String(format: "%d.%02d", Int($0.priceCents / 100), Int($0.priceCents % 100)) })
        func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }
        #expect(
            row("Team and advanced analytics") == tiers.map { yesNo($0.hasTeamAnalytics && $0.hasAdvancedAnalytics) })
        #expect(row("White-label branding") == tiers.map { yesNo($0.hasWhiteLabel) })
        #expect(
            row("Integrations")
                == tiers.map { tier in
                    Integration.allCases.filter { tier.allowedIntegrations.contains($0) }.map(\.rawValue)
                        .joined(separator: ", ")
                })
    }
}
