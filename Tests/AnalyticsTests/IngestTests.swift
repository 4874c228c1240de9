import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Analytics

@Suite("Event ingest")
struct IngestTests {
    static let now = utc(2026, 3, 15, 12)

    @Test("repeated facts count once")
    func repeatedFactsCountOnce() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let created = utc(2026, 3, 14)
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.issueCreated("cmp_a", "iss_1", at: created),
            TestEvents.issueCreated("cmp_a", "iss_1", at: created),
            TestEvents.usage("cmp_a", day: "2026-03-15", calls: 500, at: Self.now - hour),
            TestEvents.usage("cmp_a", day: "2026-03-15", calls: 300, at: Self.now),
            TestEvents.userActivated("cmp_a", "cmp_a_owner", at: created),
            TestEvents.userActivated("cmp_a", "cmp_a_owner", at: created + hour),
        ])

        let report = try await harness.report("cmp_a")
        #expect(report.usage.issues.current == 1)
        #expect(report.issuesPerDay.first { $0.day == "2026-03-14" }?.issuesCreated == 1)
        #expect(report.issuesPerDay.first { $0.day == "2026-03-14" }?.activeUsers == 1)
        #expect(report.usage.apiCallsToday.current == 500)
        #expect(report.usage.users.current == 1)
        #expect(report.activeUsers == 1)

        let overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.totalCompanies == 1)
    }

    @Test("redelivered event applied once")
    func redeliveryIsIgnored() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let issue = TestEvents.issueCreated("cmp_a", "iss_1", at: utc(2026, 3, 14))
        try harness.deliver([TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)), issue])

        let applied = try harness.deliver([issue])
        #expect(applied == 0)
        let report = try await harness.report("cmp_a")
        #expect(report.issuesPerDay.map(\.issuesCreated).reduce(0, +) == 1)
    }

    @Test("events before provisioning")
    func eventsBeforeProvisioning() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.issueCreated("cmp_late", "iss_1", at: utc(2026, 3, 10)),
            TestEvents.usage("cmp_late", day: "2026-03-15", calls: 40, at: Self.now),
            TestEvents.suspended("cmp_late", at: utc(2026, 3, 12)),
        ])

        var overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.totalCompanies == 0)
        do {
            _ = try await harness.reportJSON("cmp_late")
            Issue.record("a company without its provisioning event was reported")
        } catch {
            #expect(error.status == .notFound)
            #expect(error.retryAfterMs == 1_000)
            #expect(error.retryable)
            #expect(error.message.contains("retry shortly"))
        }

        try harness.deliver([TestEvents.provisioned("cmp_late", tier: "premium", at: utc(2026, 3, 1))])
        overview = try await harness.call("analytics.systemOverview").decode(SystemOverview.self)
        #expect(overview.suspendedCompanies == 1)
        #expect(overview.estimatedMRRCents == 0)

        let report = try await harness.report("cmp_late")
        #expect(report.profile.status == "suspended")
        #expect(report.usage.issues.current == 1)
        #expect(report.usage.apiCallsToday.current == 40)
    }

    @Test("older status event ignored")
    func olderStatusIsIgnored() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.event(
                "company.reactivated", ["company_id": "cmp_a", "at_ms": .int(utc(2026, 3, 5)), "automatic": true],
                at: utc(2026, 3, 5)),
            TestEvents.suspended("cmp_a", at: utc(2026, 3, 4)),
        ])

        let report = try await harness.report("cmp_a")
        #expect(report.profile.status == "active")
    }

    @Test("late issue.created keeps the newer status, team and assignee")
    func lateCreationKeepsNewerState() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let created = Self.now - 5 * hour
        let updated = Self.now - 3 * hour
        let resolved = Self.now - 2 * hour
        let update = TestEvents.event(
            "issue.updated",
            [
                "company_id": "cmp_a", "issue_id": "iss_1", "team_id": nil, "type": "Bug", "priority": "Medium",
                "changes": [
                    "team_id": ["from": "team_1", "to": nil], "assignee_id": ["from": "usr_1", "to": nil],
                ],
                "at_ms": .int(updated),
            ],
            at: updated)
        try harness.deliver([
            TestEvents.provisioned("cmp_a", tier: "premium", at: utc(2026, 3, 1)),
            update,
            TestEvents.issueResolved("cmp_a", "iss_1", created: created, resolved: resolved, resolution: "res_1"),
            TestEvents.issueCreated("cmp_a", "iss_1", at: created, team: "team_1", assignee: "usr_1"),
        ])

        let export = try await harness.call("analytics.export", ["company_id": "cmp_a"], as: .service)
        let issue = export["issues"]?.arrayValue?.first
        #expect(issue?["status"] == .null)
        #expect(issue?["team_id"] == .null)
        #expect(issue?["assignee_id"] == .null)
        #expect(issue?["created_at_ms"] == .int(created))
        #expect(issue?["resolved_at_ms"] == .int(resolved))
    }

    @Test("expired invitation frees its seat")
    func expiredInvitationFreesSeat() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let week = 7 * day
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: Self.now - 3 * week),
            TestEvents.userInvited("cmp_a", "usr_late", at: Self.now - 2 * week, expiresInDays: 7),
            TestEvents.userInvited("cmp_a", "usr_live", at: Self.now - day, expiresInDays: 7),
        ])
        var report = try await harness.report("cmp_a")
        #expect(report.usage.users.current == 2)

        // A new invitation of the same user makes its seat count again.
        try harness.deliver([TestEvents.userInvited("cmp_a", "usr_late", at: Self.now - hour, expiresInDays: 7)])
        report = try await harness.report("cmp_a")
        #expect(report.usage.users.current == 3)
    }

    @Test("owner who never accepts frees the seat")
    func unacceptedOwnerFreesSeat() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_old", at: Self.now - 8 * day, ownerInvitationDays: 7),
            TestEvents.provisioned("cmp_new", at: Self.now - day, ownerInvitationDays: 7),
        ])

        // Tenancy's invitation from provisioning lasts 7 days, as every invitation does.
        #expect(try await harness.report("cmp_old").usage.users.current == 0)
        #expect(try await harness.report("cmp_new").usage.users.current == 1)
    }

    @Test("second provisioning with another owner changes nothing")
    func secondProvisioningIgnored() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let first = TestEvents.provisioned("cmp_a", at: Self.now - day)
        let second = TestEvents.event(
            "company.provisioned",
            [
                "company_id": "cmp_a", "name": "Renamed", "key_prefix": "TST", "tier": "premium", "status": "active",
                "created_at_ms": .int(Self.now - hour),
                "owner": ["user_id": "usr_other", "email": "other@example.com", "name": "Other"],
            ],
            at: Self.now - hour
        )
        try harness.deliver([first, second])

        let report = try await harness.report("cmp_a")
        #expect(report.usage.users.current == 1)
        #expect(report.profile.tier == "basic")
    }

    @Test("resolution before its creation time gets its duration", arguments: [false, true])
    func resolutionTimedLater(createdLast: Bool) async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let created = Self.now - 5 * hour
        let resolved = Self.now - 2 * hour
        try harness.deliver([
            TestEvents.provisioned("cmp_a", tier: "premium", at: utc(2026, 3, 1)),
            TestEvents.transitioned("cmp_a", "iss_1", to: "Done", at: resolved, resolved: true, resolution: "res_1"),
        ])
        var report = try await harness.report("cmp_a")
        #expect(report.resolutionTime.resolved == 1)
        #expect(report.resolutionTime.timed == 0)

        // Either event brings the creation time; the resolution still counts once.
        let resolvedEvent = TestEvents.issueResolved(
            "cmp_a", "iss_1", created: created, resolved: resolved, resolution: "res_1")
        let createdEvent = TestEvents.issueCreated("cmp_a", "iss_1", at: created)
        try harness.deliver(createdLast ? [createdEvent] : [resolvedEvent, createdEvent])

        report = try await harness.report("cmp_a")
        #expect(report.resolutionTime.resolved == 1)
        #expect(report.resolutionTime.timed == 1)
        #expect(report.resolutionTime.meanMs == 3 * hour)
        #expect(report.resolutionTime.medianMs == 3 * hour)
    }

    @Test("reactivation restores invited or active")
    func reactivationRestoresStatus() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let at = utc(2026, 3, 2)
        func deactivated(_ user: String) -> MeshEvent {
            TestEvents.event(
                "user.deactivated", ["company_id": "cmp_a", "user_id": .string(user), "at_ms": .int(at + 2 * hour)],
                at: at + 2 * hour)
        }
        func reactivated(_ user: String) -> MeshEvent {
            TestEvents.event(
                "user.reactivated", ["company_id": "cmp_a", "user_id": .string(user), "at_ms": .int(at + 3 * hour)],
                at: at + 3 * hour)
        }
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.userInvited("cmp_a", "usr_pending", at: at),
            TestEvents.userInvited("cmp_a", "usr_joined", at: at),
            TestEvents.userActivated("cmp_a", "usr_joined", at: at + hour),
            deactivated("usr_pending"),
            deactivated("usr_joined"),
        ])
        var report = try await harness.report("cmp_a")
        #expect(report.usage.users.current == 1)
        #expect(report.activeUsers == 0)

        try harness.deliver([reactivated("usr_pending"), reactivated("usr_joined")])
        report = try await harness.report("cmp_a")
        #expect(report.usage.users.current == 3)
        #expect(report.activeUsers == 1)
    }

    @Test("deletion purges company data")
    func deletionPurges() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.issueCreated("cmp_a", "iss_1", at: utc(2026, 3, 2)),
            TestEvents.deleted("cmp_a", at: utc(2026, 3, 3)),
            TestEvents.issueCreated("cmp_a", "iss_2", at: utc(2026, 3, 4)),
        ])

        do {
            _ = try await harness.reportJSON("cmp_a")
            Issue.record("a deleted company was reported")
        } catch {
            #expect(error.status == .notFound)
            #expect(error.retryAfterMs == nil)
            #expect(!error.retryable)
        }

        let export = try await harness.call("analytics.export", ["company_id": "cmp_a"], as: .service)
        #expect(export["company"]?["status"] == "deleted")
        #expect(export["company"]?["name"] == .null)
        #expect(export["issues"] == [])
        #expect(export["users"] == [])
        #expect(export["events"]?.arrayValue?.map { $0["topic"] } == ["company.deleted"])
    }

    @Test("export without tokens")
    func exportWithoutSecrets() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        try harness.deliver([
            TestEvents.provisioned("cmp_a", at: utc(2026, 3, 1)),
            TestEvents.provisioned("cmp_b", at: utc(2026, 3, 1)),
            TestEvents.userInvited("cmp_a", "usr_1", at: utc(2026, 3, 2), by: "cmp_a_owner"),
            TestEvents.issueCreated("cmp_a", "iss_1", at: utc(2026, 3, 2)),
        ])

        let export = try await harness.call("analytics.export", ["company_id": "cmp_a"], as: .service)
        #expect(export["company"]?["name"] == "Company cmp_a")
        #expect(export["users"]?.arrayValue?.compactMap { $0["user_id"]?.stringValue } == ["cmp_a_owner", "usr_1"])
        #expect(export["issues"]?.arrayValue?.count == 1)
        #expect(export["tier_history"]?.arrayValue?.first?["to_tier"] == "basic")
        #expect(export["daily"]?.arrayValue?.first?["issues_created"] == 1)
        #expect(export["events"]?.arrayValue?.count == 3)
        #expect(!containsMember("token", export))
        #expect(export["events"]?.arrayValue?.first?["payload"]?["invitation"]?["invitation_id"] == "inv_1")

        let userOfB = Caller(kind: .user, companyID: "cmp_b", userID: "cmp_b_owner", role: "owner")
        do {
            _ = try await harness.call("analytics.export", ["company_id": "cmp_a"], as: userOfB)
            Issue.record("another company's export was returned")
        } catch {
            #expect(error.status == .notFound)
        }

        // A company whose events have not arrived yet has an empty export, as in billing and notification.
        let unknown = try await harness.call("analytics.export", ["company_id": "cmp_new"], as: .service)
        #expect(unknown["company"] == .null)
        #expect(unknown["events"] == [])
    }

    @Test(
        "malformed event rejected",
        arguments: [
            ("issue.created", ["issue_id": "iss_1"] as JSONValue, "payload.company_id"),
            ("company.provisioned", ["company_id": "cmp_a", "name": "A", "tier": "gold"] as JSONValue, "payload.tier"),
            ("usage.api_calls", ["company_id": "cmp_a", "day": "2026-02-30", "calls": 3] as JSONValue, "payload.day"),
            (
                "usage.api_calls", ["company_id": "cmp_a", "day": "2026-02-03", "calls": -1] as JSONValue,
                "payload.calls"
            ),
            ("team.member_added", ["company_id": "cmp_a", "team_id": "t"] as JSONValue, "payload.user_id"),
            // A member of the wrong type is rejected, not read as missing.
            ("issue.created", ["company_id": "cmp_a", "issue_id": "i", "team_id": 5] as JSONValue, "payload.team_id"),
            (
                "issue.created", ["company_id": "cmp_a", "issue_id": "i", "created_at_ms": "yesterday"] as JSONValue,
                "payload.created_at_ms"
            ),
            ("company.suspended", ["company_id": "cmp_a", "reason": 7] as JSONValue, "payload.reason"),
            (
                "issue.created", ["company_id": "cmp_a", "issue_id": "i", "created_at_ms": -100] as JSONValue,
                "payload.created_at_ms"
            ),
            (
                "user.updated", ["company_id": "cmp_a", "user_id": "u", "role": "superuser"] as JSONValue,
                "payload.role"
            ),
        ]
    )
    func malformedEventRejected(topic: String, payload: JSONValue, field: String) async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)

        do {
            try harness.deliver([TestEvents.event(topic, payload, at: Self.now)])
            Issue.record("the malformed \(topic) event was applied")
        } catch let error as RPCError {
            #expect(error.status == .invalidArgument)
            #expect(error.details?["field"] == .string(field))
        }
    }

    @Test("a required count names no null as allowed")
    func requiredCountMessage() async throws {
        let harness = try ServiceHarness<Analytics>(startMs: Self.now)
        let fraction: JSONValue = ["company_id": "cmp_a", "day": "2026-02-03", "calls": 1.5]

        let error = #expect(throws: RPCError.self) {
            try harness.deliver([TestEvents.event("usage.api_calls", fraction, at: Self.now)])
        }

        #expect(error?.message.contains("needs payload.calls as an integer but has 1.5") == true)
    }

    private func containsMember(_ name: String, _ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            return members.keys.contains(name) || members.values.contains { containsMember(name, $0) }
        case .array(let elements):
            return elements.contains { containsMember(name, $0) }
        default:
            return false
        }
    }
}
