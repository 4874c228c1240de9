import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import TenantModel
import Testing

/// Walks the permission table through the gateway with one signed-in user of each role: a role below a
/// method's minimum is rejected with PERMISSION_DENIED, and the minimum role is not.
///
/// Params come from each method's schema with ids that name nothing, so a call that passes the
/// permission check usually fails afterwards (NOT_FOUND, INVALID_ARGUMENT). Only the permission outcome
/// matters here.
@Suite(.serialized)
struct RoleTests {
    @Test func permissionTableHoldsForEveryRole() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Role Matrix", email: "owner@roles.example", tier: "premium")
        var users: [Role: MeshClient] = [.owner: try await mesh.signIn("owner@roles.example")]
        for role in [Role.admin, .member, .viewer] {
            let email = "\(role.rawValue)@roles.example"
            _ = try await users[.owner]!.call(
                "users.invite",
                ["email": .string(email), "name": .string("The \(role.rawValue)"), "role": .string(role.rawValue)]
            )
            users[role] = try await mesh.signIn(email)
        }

        let methods = SchemaParams.publicMethods(try await mesh.root.call("rpc.describe"))
        let byName = Dictionary(uniqueKeysWithValues: methods.map { ($0.name, $0) })
        let builder = SchemaParams(ids: RoleTests.bogusIDs)

        for (name, minimum) in Permissions.minimumRole.sorted(by: { $0.key < $1.key }) {
            guard let method = byName[name] else {
                Issue.record("\(name) is in the permission table but the gateway does not describe it")
                continue
            }
            let params = RoleTests.ownCompany(builder.params(for: method))
            for role in Role.allCases {
                let outcome = await CallOutcome.of(users[role]!, name, params)
                if role < minimum {
                    #expect(outcome.status == .permissionDenied, "\(role.rawValue) called \(name): \(outcome.summary)")
                    #expect(
                        outcome.error?.details?["required_role"]?.stringValue == minimum.rawValue,
                        "\(name): \(outcome.summary)")
                    #expect(
                        outcome.error?.details?["role"]?.stringValue == role.rawValue, "\(name): \(outcome.summary)")
                    #expect(
                        outcome.error?.message.contains("users.setRole") == true, "\(name): \(outcome.summary)")
                    let helper = minimum == .owner ? "ask an owner of" : "ask an owner or admin of"
                    #expect(outcome.error?.message.contains(helper) == true, "\(name): \(outcome.summary)")
                    let needs =
                        minimum == .owner ? "needs the owner role;" : "needs the \(minimum.rawValue) role or higher"
                    #expect(outcome.error?.message.contains(needs) == true, "\(name): \(outcome.summary)")
                } else if role == minimum {
                    #expect(
                        outcome.status != .permissionDenied, "\(role.rawValue) may call \(name): \(outcome.summary)")
                }
            }
        }

        // Methods outside the table: the operators' ones reject every role, the rest are reads for all.
        for method in methods where Permissions.minimumRole[method.name] == nil {
            let params = RoleTests.ownCompany(builder.params(for: method))
            let rootOnly = Permissions.rootOnly.contains(method.name) || method.scope == "root"
            if rootOnly {
                for role in Role.allCases {
                    let outcome = await CallOutcome.of(users[role]!, method.name, params)
                    #expect(
                        outcome.status == .permissionDenied,
                        "\(role.rawValue) called \(method.name): \(outcome.summary)")
                    #expect(
                        outcome.error?.details?["required_role"]?.stringValue == "root",
                        "\(method.name): \(outcome.summary)")
                }
            } else if method.scope == "company" {
                let outcome = await CallOutcome.of(users[.viewer]!, method.name, params)
                #expect(outcome.status != .permissionDenied, "viewer may read with \(method.name): \(outcome.summary)")
            }
        }
    }

    /// Drops `company_id` so the gateway fills in the caller's own company.
    static func ownCompany(_ params: JSONValue) -> JSONValue {
        var members = params.objectValue ?? [:]
        members["company_id"] = nil
        return .object(members)
    }

    /// Ids of the right shape that name no object, so calls that pass the permission check change nothing.
    static let bogusIDs: [String: JSONValue] = [
        "user_id": "usr_000000000000000000000000",
        "assignee_id": "usr_000000000000000000000000",
        "team_id": "team_000000000000000000000000",
        "issue_id": "iss_000000000000000000000000",
        "key": "NONE-999999",
        "key_id": "key000000000000000000000000",
        "message_id": "msg_000000000000000000000000",
        "invoice_id": "inv_000000000000000000000000",
    ]
}
