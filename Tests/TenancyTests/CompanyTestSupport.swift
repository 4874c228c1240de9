import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTesting
import TenantModel
import Testing

@testable import Tenancy

typealias TenancyHarness = ServiceHarness<Tenancy>

/// A company provisioned through `companies.provision`, with its owner signed in.
struct OnboardedCompany {
    let companyID: String
    let ownerID: String
    let ownerKey: String
    let owner: Caller
}

/// A user invited and signed in through `users.invite` and `auth.acceptInvitation`.
struct OnboardedUser {
    let userID: String
    let apiKey: String
    let caller: Caller
}

extension ServiceHarness where Service == Tenancy {
    /// Provisions a company as root and returns the raw result.
    func provision(
        name: String = "Tech Corp",
        email: String = "owner@tech.example",
        tier: String = "basic"
    ) async throws -> JSONValue {
        try await call(
            "companies.provision",
            [
                "name": .string(name), "admin_email": .string(email), "admin_name": "Olivia Owner",
                "tier": .string(tier),
            ],
            idempotencyKey: "provision-\(UInt64.random(in: 0...UInt64.max))"
        )
    }

    /// Provisions a company and accepts the owner's invitation.
    func onboard(name: String = "Tech Corp", tier: String = "basic") async throws -> OnboardedCompany {
        let result = try await provision(
            name: name, email: "owner@\(name.lowercased().filter(\.isLetter)).example", tier: tier)
        let companyID = try #require(result["company"]?["company_id"]?.stringValue)
        let ownerID = try #require(result["owner"]?["user_id"]?.stringValue)

        let accepted = try await call(
            "auth.acceptInvitation", ["token": .string(try invitationToken(for: ownerID))], as: nil)
        let key = try #require(accepted["api_key"]?.stringValue)
        let keyID = try #require(accepted["key_id"]?.stringValue)
        let owner = Caller(kind: .user, companyID: companyID, userID: ownerID, role: "owner", keyID: keyID)
        return OnboardedCompany(companyID: companyID, ownerID: ownerID, ownerKey: key, owner: owner)
    }

    /// Invites a user as `inviter` and accepts the invitation.
    func addUser(
        to company: OnboardedCompany,
        email: String,
        role: Role = .member,
        as inviter: Caller? = nil
    ) async throws -> OnboardedUser {
        let invited = try await call(
            "users.invite",
            [
                "company_id": .string(company.companyID), "email": .string(email), "name": "Some One",
                "role": .string(role.rawValue),
            ],
            as: inviter ?? company.owner
        )
        let userID = try #require(invited["user"]?["user_id"]?.stringValue)
        let accepted = try await call(
            "auth.acceptInvitation", ["token": .string(try invitationToken(for: userID))], as: nil)
        let key = try #require(accepted["api_key"]?.stringValue)
        let caller = Caller(
            kind: .user, companyID: company.companyID, userID: userID, role: role.rawValue,
            keyID: accepted["key_id"]?.stringValue
        )
        return OnboardedUser(userID: userID, apiKey: key, caller: caller)
    }

    /// The invitation token of `userID`, read from the outbox event that carries it to the mail sender.
    func invitationToken(for userID: String) throws -> String {
        let events = try published().filter {
            $0.payload["owner"]?["user_id"]?.stringValue == userID || $0.payload["user_id"]?.stringValue == userID
        }
        let token = events.compactMap { $0.payload["invitation"]?["token"]?.stringValue }.last
        return try #require(token)
    }

    /// The environment `Tenancy.make` received, rebuilt from the harness's parts.
    var environment: ServiceEnvironment {
        get throws {
            try ServiceEnvironment(
                name: Tenancy.name, home: home, store: store, clock: clock,
                logger: Logger(label: "test", level: .debug, sink: logs), peers: peers, eventsPublished: {}
            )
        }
    }

    /// Calls `method` as root with `meta.idempotency_key` set, as a client retrying a request would.
    func call(_ method: String, _ params: JSONValue, idempotencyKey: String) async throws -> JSONValue {
        let entry = try #require(parts.methods[method])
        var meta = RequestMeta()
        meta.caller = Caller.root.json
        meta.idempotencyKey = idempotencyKey
        let context = MethodContext(
            method: method, requestID: .int(1), meta: meta, caller: .root, deadline: nil,
            logger: Logger(label: "test", level: .debug, sink: logs), clock: clock, peers: peers
        )
        return try await entry.handler(params, context)
    }

    /// Counts the rows of `table` matching `condition`.
    func count(_ table: String, where condition: String = "1 = 1", _ arguments: [SQLValue] = []) throws -> Int64 {
        try store.readSync { connection in
            try connection.scalarInt("SELECT COUNT(*) FROM \(table) WHERE \(condition)", arguments) ?? 0
        }
    }
}

/// Runs `body` and returns the RPCError it throws; records a test failure when it succeeds.
func expectFailure(
    _ status: RPCStatus,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> JSONValue
) async -> RPCError? {
    do {
        let value = try await body()
        Testing.Issue.record(
            "expected \(status.name) but the call succeeded with \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.status == status, "\(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Testing.Issue.record("expected \(status.name) but got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
