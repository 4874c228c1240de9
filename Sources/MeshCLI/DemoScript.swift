import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime

/// The lifecycle the demo walks through, one printed request and response at a time.
struct DemoScript {
    let home: MeshHome

    func run() async throws {
        let rootKey = try String(contentsOfFile: home.rootKeyPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let root = try MeshClient(socketPath: home.socketPath("gateway"), apiKey: rootKey)

        let provisioned = try await step(
            "Provision TechStart Solutions on Premium (root key, idempotency key)", root, "companies.provision",
            [
                "name": "TechStart Solutions", "admin_email": "ada@techstart.example", "admin_name": "Ada Lovelace",
                "tier": "premium",
            ],
            idempotencyKey: "demo-techstart-1"
        )
        guard let companyID = provisioned["company"]?["company_id"]?.stringValue else {
            throw DemoFailure("provisioning returned no company id")
        }

        let token = try await waitForInvitationToken()
        Terminal.print(
            "\n-- the welcome message in \(home.outboxDirectory) carries invitation token \(token.prefix(12))…")
        let accepted = try await step(
            "Accept the invitation (no key needed)", root.with(apiKey: nil), "auth.acceptInvitation",
            ["token": .string(token)])
        guard let ownerKey = accepted["api_key"]?.stringValue else {
            throw DemoFailure("accepting the invitation returned no API key")
        }
        let owner = root.with(apiKey: ownerKey)

        _ = try await step(
            "Configure the workflow statuses (owner key)", owner, "companies.configure",
            [
                "company_id": .string(companyID),
                "settings": ["statuses": ["Backlog", "Open", "In Progress", "In Review", "Done"]],
            ]
        )
        try await waitForAnalytics(root, companyID: companyID)
        _ = try await step(
            "Company report (owner key)", owner, "analytics.companyReport", ["company_id": .string(companyID)])
        _ = try await step("System overview (root key)", root, "analytics.systemOverview", [:])
        _ = try await step(
            "Billing subscription (owner key)", owner, "billing.subscription", ["company_id": .string(companyID)])

        _ = try await step(
            "Upgrade to Platinum (owner key)", owner, "companies.changeTier",
            ["company_id": .string(companyID), "tier": "platinum"])
        for index in 1...5 {
            _ = try await step(
                "Invite user \(index) of 5", owner, "users.invite",
                [
                    "company_id": .string(companyID), "email": .string("dev\(index)@techstart.example"),
                    "name": .string("Developer \(index)"), "role": "member",
                ]
            )
        }
        try await expectFailure(
            "Try to downgrade to Basic: refused, Basic allows 5 users and no custom statuses", owner,
            "companies.changeTier",
            ["company_id": .string(companyID), "tier": "basic"], status: "FAILED_PRECONDITION"
        )

        _ = try await step(
            "Suspend the company (root key)", root, "companies.suspend",
            ["company_id": .string(companyID), "reason": "demo: unpaid invoice"])
        try await expectFailure(
            "The owner's key is now refused", owner, "companies.get", ["company_id": .string(companyID)],
            status: "FAILED_PRECONDITION")
        _ = try await step(
            "Reactivate the company (root key)", root, "companies.reactivate", ["company_id": .string(companyID)])
        _ = try await step("The owner's key works again", owner, "companies.get", ["company_id": .string(companyID)])
        // The last notices go out a moment after the reactivation; a home kept with --keep should hold them.
        try await waitForMail(root, companyID: companyID, kind: "reactivated")
    }

    private func step(
        _ title: String,
        _ client: MeshClient,
        _ method: String,
        _ params: JSONValue,
        idempotencyKey: String? = nil
    ) async throws -> JSONValue {
        printRequest(title, method, params, idempotencyKey: idempotencyKey)
        do {
            let result = try await client.call(method, params, idempotencyKey: idempotencyKey)
            Terminal.print("<- " + Terminal.pretty(result))
            return result
        } catch {
            Terminal.print("<- " + Terminal.describe(error))
            throw DemoFailure("\(method) failed: \(error.message)")
        }
    }

    private func expectFailure(
        _ title: String, _ client: MeshClient, _ method: String, _ params: JSONValue, status: String
    ) async throws {
        printRequest(title, method, params)
        do {
            let result = try await client.call(method, params)
            Terminal.print("<- " + Terminal.pretty(result))
            throw DemoFailure("\(method) succeeded but the lifecycle requires \(status)")
        } catch let error as RPCError {
            Terminal.print("<- " + Terminal.describe(error))
            guard error.status.name == status else {
                throw DemoFailure("\(method) failed with \(error.status.name), expected \(status)")
            }
        }
    }

    /// Prints the request as `mesh call` arguments would give it, with its idempotency key when it has one.
    private func printRequest(_ title: String, _ method: String, _ params: JSONValue, idempotencyKey: String? = nil) {
        Terminal.print("\n== \(title)")
        let key = idempotencyKey.map { " --idempotency-key \($0)" } ?? ""
        Terminal.print("-> \(method) " + JSONWriter.string(params) + key)
    }

    /// Reads the invitation token from the welcome message once the notification service has written it.
    private func waitForInvitationToken() async throws -> String {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory)) ?? []
            for file in files where file.hasSuffix(".eml") {
                let text = (try? String(contentsOfFile: home.outboxDirectory + "/" + file, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"tmi_[0-9a-f]{32}"#, options: .regularExpression) {
                    return String(text[range])
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoFailure("no welcome message with an invitation token appeared in \(home.outboxDirectory) within 15 s")
    }

    /// Waits until notification has recorded a message of `kind` for the company, so the outbox of a
    /// kept home contains every notice the demo caused.
    private func waitForMail(_ root: MeshClient, companyID: String, kind: String) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let listed = try? await root.call("notifications.list", ["company_id": .string(companyID)])
            if listed?["messages"]?.arrayValue?.contains(where: { $0["kind"] == .string(kind) }) == true {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoFailure("notification did not record the \(kind) notice of company \(companyID) within 15 s")
    }

    /// Waits until analytics has recorded the company and its active owner. Events arrive a moment after
    /// the change, and a report read before would show the owner who just accepted as inactive.
    private func waitForAnalytics(_ root: MeshClient, companyID: String) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let report = try? await root.call("analytics.companyReport", ["company_id": .string(companyID)])
            if let report, (report["active_users"]?.intValue ?? 0) >= 1 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoFailure("analytics did not record company \(companyID) and its active owner within 15 s")
    }
}
