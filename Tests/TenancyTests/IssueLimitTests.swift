import MeshProtocol
import MeshRuntime
import MeshStore
import TenantModel
import Testing

@testable import Tenancy

@Suite("Issue limit")
struct IssueLimitTests {
    /// Inserts `count` live issues straight into the table, numbered from 1, to reach a limit quickly.
    static func insertIssues(_ count: Int, company: WorkspaceFixture.Company, fixture: WorkspaceFixture) throws {
        let companyID = company.id
        let prefix = company.keyPrefix
        try fixture.harness.store.writeSync { connection in
            for number in 1...count {
                try connection.execute(
                    """
                    INSERT INTO issues (id, company_id, number, key, title, type, priority, status, created_at_ms, updated_at_ms)
                    VALUES (?, ?, ?, ?, 'seeded', 'Task', 'Low', 'Open', 0, 0)
                    """,
                    [
                        .text(Identifier.make(prefix: "iss")), .text(companyID), .integer(Int64(number)),
                        .text("\(prefix)-\(number)"),
                    ]
                )
            }
        }
    }

    @Test("concurrent creates at limit make one")
    func concurrentCreatesAtLimit() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Crowded Co", tier: .basic)
        let limit = try #require(Tier.basic.maximumIssues)
        try Self.insertIssues(limit - 1, company: company, fixture: fixture)

        let outcomes = await withTaskGroup(of: Result<JSONValue, RPCError>.self) { group in
            for attempt in 0..<50 {
                group.addTask {
                    do {
                        return .success(try await fixture.createIssue(company, title: "attempt \(attempt)"))
                    } catch let error as RPCError {
                        return .failure(error)
                    } catch {
                        return .failure(RPCError(.internal, "\(error)"))
                    }
                }
            }
            var outcomes: [Result<JSONValue, RPCError>] = []
            for await outcome in group {
                outcomes.append(outcome)
            }
            return outcomes
        }

        let created = outcomes.compactMap { try? $0.get() }
        let failures = outcomes.compactMap { outcome -> RPCError? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(created.count == 1)
        #expect(created.first?["key"] == .string("\(company.keyPrefix)-\(limit)"))
        #expect(failures.count == 49)
        #expect(failures.allSatisfy { $0.status == .resourceExhausted })
        #expect(failures.first?.details?["limit"] == "issues")
        #expect(failures.first?.details?["reason"] == "tier_limit")
        #expect(failures.first?.details?["allowed"] == .int(Int64(limit)))
        #expect(failures.first?.details?["current"] == .int(Int64(limit)))
        #expect(try fixture.events(EventTopic.issueCreated).count == 1)

        let live = try fixture.harness.store.readSync { connection in
            try Issue.liveCount(companyID: company.id, in: connection)
        }
        #expect(live == Int64(limit))
    }

    @Test("delete frees a slot")
    func deleteFreesSlot() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Full Co", tier: .basic)
        let limit = try #require(Tier.basic.maximumIssues)
        try Self.insertIssues(limit - 1, company: company, fixture: fixture)
        let last = try await fixture.createIssue(company, title: "the last slot")

        let refused = await rpcFailure { try await fixture.createIssue(company, title: "one too many") }
        _ = try await fixture.harness.call(
            "issues.delete", ["company_id": .string(company.id), "issue_id": last["issue_id"] ?? .null],
            as: company.owner
        )
        let after = try await fixture.createIssue(company, title: "fits again")

        #expect(refused?.status == .resourceExhausted)
        #expect(refused?.message.contains("\(limit)") == true)
        #expect(after["number"] == .int(Int64(limit + 1)))
    }

    @Test("platinum has no issue limit")
    func platinumUnlimited() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Big Co", tier: .platinum)
        try Self.insertIssues(10_000, company: company, fixture: fixture)

        let issue = try await fixture.createIssue(company)

        #expect(issue["number"] == 10_001)
    }
}
