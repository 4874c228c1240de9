import Foundation
import MeshClient
import MeshProtocol
import MeshTesting

/// Steps several integration tests share: provisioning a company and signing in as its owner.
struct MeshFixture {
    let cluster: MeshCluster
    let root: MeshClient

    init(cluster: MeshCluster) throws {
        self.cluster = cluster
        self.root = try MeshClient(socketPath: cluster.gatewaySocket, apiKey: try cluster.rootKey)
    }

    /// Provisions a company and returns its id.
    func provision(_ name: String, email: String, tier: String = "basic", key: String? = nil) async throws -> String {
        let result = try await root.provisionCompany(
            name: name, adminEmail: email, adminName: "Admin of \(name)", tier: tier,
            idempotencyKey: key ?? "provision-\(UInt64.random(in: 0...UInt64.max))")
        guard let id = result["company"]?["company_id"]?.stringValue else {
            throw RPCError(.internal, "provision returned no company id: \(JSONWriter.string(result))")
        }
        return id
    }

    /// Waits for a message addressed to `email` that carries an invitation token (the welcome, an
    /// invitation) and returns the token. With `subject`, only a message whose subject contains it counts.
    func invitationToken(for email: String, subject: String? = nil, timeout: Duration = .seconds(20)) async throws
        -> String
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for file in cluster.outboxFiles() {
                let text =
                    (try? String(contentsOfFile: cluster.home.outboxDirectory + "/" + file, encoding: .utf8)) ?? ""
                let subjectLine = text.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") } ?? ""
                let subjectMatches = subject.map { subjectLine.contains($0) } ?? true
                if text.contains("To:") && text.contains(email) && subjectMatches,
                    let range = text.range(of: #"tmi_[0-9a-f]{32}"#, options: .regularExpression)
                {
                    return String(text[range])
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RPCError(.deadlineExceeded, "no invitation mail for \(email) within \(timeout)")
    }

    /// Accepts the owner's invitation and returns a client holding the owner's API key.
    func signIn(_ email: String) async throws -> MeshClient {
        let token = try await invitationToken(for: email)
        let anonymous = root.with(apiKey: nil)
        let accepted = try await anonymous.acceptInvitation(token: token)
        guard let key = accepted["api_key"]?.stringValue else {
            throw RPCError(.internal, "acceptInvitation returned no api_key")
        }
        return root.with(apiKey: key)
    }

    /// Calls `body` until it stops throwing or `timeout` passes; events reach services a moment later.
    func eventually<T>(timeout: Duration = .seconds(20), _ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                return try await body()
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw lastError ?? RPCError(.deadlineExceeded, "condition not met within \(timeout)")
    }
}
