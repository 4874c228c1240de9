import Foundation
import MeshClient
import MeshProtocol
import MeshTesting

/// A Premium company with one object of every kind a public method names: owner, invited user, team,
/// issue, API key, notification message and (after `findInvoice`) an invoice.
struct TenantObjects {
    let companyID: String
    let name: String
    let ownerEmail: String
    let inviteeEmail: String
    let ownerID: String
    let inviteeID: String
    let teamID: String
    let teamName: String
    let issueID: String
    let issueKey: String
    let issueTitle: String
    let keyID: String
    /// The API key `auth.createKey` returned; it must keep working.
    let apiKey: String
    let messageID: String
    var invoiceID: String?
    /// A client acting as the owner.
    let owner: MeshClient

    /// Provisions `name` and creates every object through the gateway as its owner.
    static func create(in mesh: MeshFixture, name: String, domain: String) async throws -> TenantObjects {
        let ownerEmail = "owner@\(domain)"
        let inviteeEmail = "invitee@\(domain)"
        let companyID = try await mesh.provision(name, email: ownerEmail, tier: "premium")
        let owner = try await mesh.signIn(ownerEmail)

        let users = try await owner.call("users.list", [:])
        let ownerID = try string(users["users"]?.arrayValue?.first?["user_id"], "owner's user_id")

        let teamName = "\(name) Secret Team"
        let team = try await owner.call("teams.create", ["name": .string(teamName)])
        let teamID = try string(team["team_id"], "team_id")

        let invited = try await owner.call(
            "users.invite", ["email": .string(inviteeEmail), "name": .string("Invitee of \(name)"), "role": "member"]
        )
        let inviteeID = try string(invited["user"]?["user_id"], "invited user_id")
        _ = try await owner.call("teams.addMember", ["team_id": .string(teamID), "user_id": .string(inviteeID)])

        let issueTitle = "\(name) secret issue"
        let issue = try await owner.call(
            "issues.create",
            [
                "title": .string(issueTitle), "type": "Bug", "team_id": .string(teamID),
                "assignee_id": .string(inviteeID),
            ]
        )
        let issueID = try string(issue["issue_id"], "issue_id")
        let issueKey = try string(issue["key"], "issue key")

        let created = try await owner.call("auth.createKey", ["name": .string("\(name) automation")])
        let apiKey = try string(created["api_key"], "api_key")
        let keyID = try string(created["key"]?["key_id"], "key_id")

        let messages = try await mesh.eventually {
            let page = try await mesh.root.call("notifications.list", ["company_id": .string(companyID)])
            let list = page["messages"]?.arrayValue ?? []
            guard list.count >= 2 else {
                throw RPCError(.unavailable, "notification has \(list.count) of 2 messages of \(companyID)")
            }
            return list
        }
        let messageID = try string(messages.first?["message_id"], "message_id")
        _ = try await mesh.eventually { try await mesh.root.subscription(companyID: companyID) }

        return TenantObjects(
            companyID: companyID, name: name, ownerEmail: ownerEmail, inviteeEmail: inviteeEmail, ownerID: ownerID,
            inviteeID: inviteeID, teamID: teamID, teamName: teamName, issueID: issueID, issueKey: issueKey,
            issueTitle: issueTitle, keyID: keyID, apiKey: apiKey, messageID: messageID, invoiceID: nil, owner: owner
        )
    }

    /// Reads the company's first invoice as root; the clock must have passed its first period's end.
    mutating func findInvoice(in mesh: MeshFixture) async throws {
        let companyID = companyID
        let invoices = try await mesh.eventually {
            _ = try await mesh.root.call("billing.runCycle", [:])
            let list =
                try await mesh.root.call("billing.invoices", ["company_id": .string(companyID)])["invoices"]?.arrayValue
                ?? []
            guard !list.isEmpty else {
                throw RPCError(.unavailable, "billing has no invoice of \(companyID) yet")
            }
            return list
        }
        invoiceID = try TenantObjects.string(invoices.first?["invoice_id"], "invoice_id")
    }

    /// The value of each identifier property that names one of these objects.
    var ids: [String: JSONValue] {
        var ids: [String: JSONValue] = [
            "company_id": .string(companyID),
            "user_id": .string(inviteeID),
            "assignee_id": .string(inviteeID),
            "team_id": .string(teamID),
            "issue_id": .string(issueID),
            "key": .string(issueKey),
            "key_id": .string(keyID),
            "message_id": .string(messageID),
        ]
        ids["invoice_id"] = invoiceID.map { .string($0) }
        return ids
    }

    /// Texts that only this company's data contains: its ids, names and addresses.
    var markers: [String] {
        [
            companyID, ownerID, inviteeID, teamID, issueID, issueKey, keyID, messageID, name, ownerEmail, inviteeEmail,
            teamName, issueTitle,
        ] + (invoiceID.map { [$0] } ?? [])
    }

    /// Returns the company's state as root reads it, to compare before and after other tenants' calls.
    func snapshot(root: MeshClient) async throws -> [String: JSONValue] {
        let company: JSONValue = ["company_id": .string(companyID)]
        var state: [String: JSONValue] = [:]
        for method in [
            "companies.get", "users.list", "teams.list", "issues.list", "auth.listKeys", "audit.list",
            "billing.invoices",
            "billing.subscription", "notifications.list",
        ] {
            state[method] = try await root.call(method, company)
        }
        return state
    }

    private static func string(_ value: JSONValue?, _ what: String) throws -> String {
        guard let text = value?.stringValue else {
            throw RPCError(
                .internal, "the setup expected \(what) but got \(value.map { JSONWriter.string($0) } ?? "nothing")")
        }
        return text
    }
}
