import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

/// docs/PERMISSIONS.md must print exactly the table the code enforces.
@Suite("Permission table") struct AuthPermissionsTableTests {
    /// Method to the "Lowest role" column of the document's table.
    func documentedRoles() throws -> [String: String] {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/PERMISSIONS.md"), encoding: .utf8)

        var roles: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            roles[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return roles
    }

    @Test func documentMatchesPermissions() throws {
        let documented = try documentedRoles()

        var expected: [String: String] = [:]
        for method in Permissions.rootOnly {
            expected[method] = "root only"
        }
        for method in Permissions.anonymous {
            expected[method] = "anyone, no API key"
        }
        for (method, role) in Permissions.minimumRole {
            expected[method] = role.rawValue
        }
        #expect(documented == expected)
    }

    @Test func everyTenancyMethodIsInTheTable() throws {
        let harness = try TenancyHarness()
        let documented = try documentedRoles()
        let public_ = harness.parts.methods.descriptors.filter { $0.scope != .internal }.map(\.name)
        let mine = public_.filter { ["companies.", "users.", "auth.", "audit."].contains(where: $0.hasPrefix) }
        for method in mine {
            #expect(documented[method] != nil, "\(method) is missing from docs/PERMISSIONS.md")
        }
    }

    @Test(arguments: Role.allCases)
    func accessCheckFollowsTheTable(_ role: Role) throws {
        let caller = Caller(kind: .user, companyID: "cmp_a", userID: "usr_a", role: role.rawValue)
        let methods = Permissions.rootOnly.union(Permissions.minimumRole.keys)
        let harness = try TenancyHarness()

        for method in methods.sorted() {
            let context = MethodContext(
                method: method, requestID: nil, meta: RequestMeta(), caller: caller, deadline: nil,
                logger: Logger(label: "test", sink: .memory()), clock: .fixed(0), peers: harness.peers
            )
            let allowed = (try? TenancyAccess.require(context, method: method)) != nil
            #expect(allowed == Permissions.allows(role, method), "\(method) as \(role)")
        }
    }
}
