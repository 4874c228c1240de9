import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Through the real gateway: an admin cannot lock out an owner, and an owner who locked themselves out
/// gets back in with `users.recoverAccess` and the token it mails.
@Suite(.serialized)
struct AccessRecoveryTests {
    @Test func lockedOutOwnerRecoversByMail() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Recover Works", email: "owner@recover.example", tier: "premium")
        let owner = try await mesh.signIn("owner@recover.example")
        let ownerID = try #require(
            try await owner.call("users.list", [:])["users"]?.arrayValue?.first?["user_id"]?.stringValue)
        let ownerKeyID = try #require(
            try await owner.call("auth.listKeys", [:])["keys"]?.arrayValue?.first?["key_id"]?.stringValue)
        for (email, role) in [("admin@recover.example", "admin"), ("member@recover.example", "member")] {
            _ = try await owner.call(
                "users.invite", ["email": .string(email), "name": "Some One", "role": .string(role)])
        }
        let admin = try await mesh.signIn("admin@recover.example")
        let member = try await mesh.signIn("member@recover.example")

        // An admin can neither take the owner's key nor hand the owner a new one.
        let revokeByAdmin = await CallOutcome.of(admin, "auth.revokeKey", ["key_id": .string(ownerKeyID)])
        #expect(revokeByAdmin.status == .permissionDenied, "\(revokeByAdmin.text)")
        #expect(revokeByAdmin.error?.details?["required_role"] == "owner")
        let recoverByAdmin = await CallOutcome.of(admin, "users.recoverAccess", ["user_id": .string(ownerID)])
        #expect(recoverByAdmin.status == .permissionDenied, "\(recoverByAdmin.text)")
        #expect(recoverByAdmin.error?.details?["required_role"] == "owner")
        let recoverByMember = await CallOutcome.of(member, "users.recoverAccess", ["user_id": .string(ownerID)])
        #expect(recoverByMember.error?.details?["required_role"] == "admin", "\(recoverByMember.text)")

        // The owner revokes their only key and is locked out.
        _ = try await owner.call("auth.revokeKey", ["key_id": .string(ownerKeyID)])
        let lockedOut = await RevocationTests.firstRejection(of: owner)
        #expect(lockedOut?.status == .unauthenticated)
        #expect(lockedOut?.message.contains("users.recoverAccess") == true, "\(String(describing: lockedOut))")

        let params: JSONValue = ["company_id": .string(companyID), "user_id": .string(ownerID)]
        let recovered = try await mesh.root.call("users.recoverAccess", params, idempotencyKey: "recover-owner")
        let retried = try await mesh.root.call("users.recoverAccess", params, idempotencyKey: "recover-owner")
        #expect(retried == recovered)
        #expect(recovered["user"]?["status"] == "active")
        #expect(recovered["invitation"]?["invitation_id"]?.stringValue != nil)

        let token = try await mesh.invitationToken(for: "owner@recover.example", subject: "Your new API key")
        #expect(!JSONWriter.string(recovered).contains(token))
        let anonymous = mesh.root.with(apiKey: nil)
        let accepted = try await anonymous.acceptInvitation(token: token)
        #expect(accepted["user"]?["role"] == "owner")
        let restored = mesh.root.with(apiKey: try #require(accepted["api_key"]?.stringValue))
        let company = try await restored.call("companies.get", [:])
        #expect(company["company_id"]?.stringValue == companyID)

        // The revoked key stays revoked, and the used token is spent.
        let oldKey = await CallOutcome.of(owner, "companies.get", [:])
        #expect(oldKey.status == .unauthenticated, "\(oldKey.text)")
        let again = await CallOutcome.of(anonymous, "auth.acceptInvitation", ["token": .string(token)])
        #expect(again.status == .failedPrecondition, "\(again.text)")
        #expect(again.error?.message.contains("users.recoverAccess") == true)

        // One recovery mail for the two calls with one key.
        let recoveryMails = cluster.outboxFiles().filter { file in
            let text = (try? String(contentsOfFile: cluster.home.outboxDirectory + "/" + file, encoding: .utf8)) ?? ""
            return text.contains("Subject: Your new API key")
        }
        #expect(recoveryMails.count == 1)
    }
}
