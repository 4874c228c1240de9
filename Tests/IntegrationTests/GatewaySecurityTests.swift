import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshTesting
import MeshTransport
import Testing

@testable import Gateway

@Suite(.serialized)
struct GatewaySecurityTests {
    @Test func companyIDOfTheWrongTypeIsInvalid() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        _ = try await mesh.provision("Typed Co", email: "owner@typed.example")
        let owner = try await mesh.signIn("owner@typed.example")

        for value: JSONValue in [123, true, ["a": [1, 2]]] {
            let error = await #expect(throws: RPCError.self) {
                try await owner.call("companies.get", ["company_id": value])
            }
            #expect(error?.status == .invalidArgument)
            #expect(
                error?.message == "params.company_id: expected a string, not \(JSONWriter.string(value))",
                "\(String(describing: error))")
        }
    }

    @Test func forgedCallerIsIgnored() async throws {
        let cluster = try await MeshCluster()
        let loop = try EventLoop(name: "forger")
        loop.start()
        defer { loop.stop() }
        let client = RPCClient(path: cluster.gatewaySocket, loop: loop)

        var meta = RequestMeta()
        meta.caller = Caller.root.json
        do {
            _ = try await client.call("companies.list", params: [:], meta: meta, timeout: .seconds(10))
            Issue.record("a client-supplied caller was believed")
        } catch {
            #expect(error.status == .unauthenticated)
        }
    }

    @Test func wrongKeyAndInternalMethodsAreRefused() async throws {
        let cluster = try await MeshCluster()
        let stranger = try MeshClient(socketPath: cluster.gatewaySocket, apiKey: "tmk_nope_0000")
        do {
            _ = try await stranger.call("companies.list", [:])
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.status == .unauthenticated)
        }

        let root = try MeshClient(socketPath: cluster.gatewaySocket, apiKey: try cluster.rootKey)
        do {
            _ = try await root.call("events.deliver", ["events": []])
            Issue.record("an internal method was routed")
        } catch {
            #expect(error.status == .methodNotFound)
            #expect(error.message.contains("carries events between the mesh's processes"), "\(error.message)")
        }
        do {
            _ = try await root.call("auth.verifyKey", ["api_key": "x"])
            Issue.record("an internal method was routed")
        } catch {
            #expect(error.status == .methodNotFound)
            #expect(error.message.contains("mesh call --process tenancy auth.verifyKey"), "\(error.message)")
        }
        // A typo of a public method names it, and never an internal one.
        for (typed, meant) in [
            ("companies.provison", "companies.provision"), ("auth.verifyKy", nil), ("Companies.list", "companies.list"),
            ("issue.list", "issues.list"), ("rpc.helth", "rpc.health"),
        ] {
            let error = await #expect(throws: RPCError.self) { try await root.call(typed, [:]) }
            #expect(error?.status == .methodNotFound)
            #expect(error?.message.contains("did you mean") == (meant != nil), "\(String(describing: error))")
            #expect(meant.map { error?.message.contains("did you mean \($0)?") == true } ?? true)
        }
    }

    @Test func rootKeyFileIsOwnerOnly() async throws {
        let cluster = try await MeshCluster()
        var status = stat()
        #expect(stat(cluster.home.rootKeyPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
    }
}

@Suite struct ForwardedMetaTests {
    private func context(clientCaller: Caller?) throws -> MethodContext {
        var meta = RequestMeta()
        meta.caller = clientCaller?.json
        meta.traceID = "trace-1"
        let loop = try EventLoop(name: "forwarded-meta")
        return MethodContext(
            method: "auth.acceptInvitation", requestID: .int(1), meta: meta, caller: clientCaller,
            deadline: .now + .seconds(5), logger: Logger(label: "test", sink: .memory()), clock: .fixed(0),
            peers: PeerDirectory(home: MeshHome(root: "/tmp/forwarded-meta"), loop: loop))
    }

    @Test func dropsClientCallerWithoutKey() throws {
        let forwarded = GatewayRouter.forwardedMeta(try context(clientCaller: .root), caller: nil)

        #expect(forwarded.caller == nil)
        #expect(forwarded.traceID == "trace-1")
        #expect(forwarded.timeoutMs != nil)
    }

    @Test func replacesClientCallerWithVerified() throws {
        let verified = Caller.service

        let forwarded = GatewayRouter.forwardedMeta(try context(clientCaller: .root), caller: verified)

        #expect(forwarded.caller == verified.json)
    }
}

@Suite struct GatewayDescribeSchemaTests {
    @Test func companyIDBecomesOptional() {
        let params: JSONValue = [
            "type": "object",
            "properties": ["company_id": ["type": "string"], "name": ["type": "string"]],
            "required": ["company_id", "name"],
        ]

        let shown = GatewayRouter.companyIDFilledIn(params)

        #expect(shown["required"] == ["name"])
        #expect(shown["properties"]?["company_id"]?["type"] == ["string", "null"])
        #expect(shown["properties"]?["company_id"]?["description"]?.stringValue?.contains("left out") == true)
        #expect(shown["properties"]?["name"] == ["type": "string"])
    }

    @Test func companyIDOptionalForRootSaysWhatRootGets() {
        let issueCall: JSONValue = [
            "type": "object",
            "properties": [
                "company_id": ["type": ["string", "null"]], "issue_id": ["type": ["string", "null"]],
                "key": ["type": ["string", "null"]],
            ],
        ]
        // auth.listKeys leaves company_id out of `required` too, but root must still name the company.
        let keyCall: JSONValue = ["type": "object", "properties": ["company_id": ["type": ["string", "null"]]]]

        let issue = GatewayRouter.companyIDFilledIn(issueCall)["properties"]?["company_id"]?["description"]
        let key = GatewayRouter.companyIDFilledIn(keyCall)["properties"]?["company_id"]?["description"]

        #expect(issue?.stringValue?.hasSuffix("with the root key, the company of the issue named") == true)
        #expect(key?.stringValue?.hasSuffix("required with the root key") == true)
    }

    @Test func schemaWithoutCompanyIDIsUnchanged() {
        let params: JSONValue = ["type": "object", "properties": ["token": ["type": "string"]], "required": ["token"]]

        #expect(GatewayRouter.companyIDFilledIn(params) == params)
    }
}
