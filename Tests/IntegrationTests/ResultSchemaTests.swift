import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Calls every public method the gateway describes on one company's own objects and checks each
/// result against the result schema `rpc.describe` gives for it, so a client that validates replies
/// with those schemas accepts every real reply.
@Suite(.serialized)
struct ResultSchemaTests {
    /// Methods that end what the others need, run last and in this order.
    private static let last = [
        "issues.delete", "companies.suspend", "companies.reactivate", "users.deactivate", "auth.revokeKey",
        "companies.delete",
    ]

    /// Methods whose result this suite must have checked, or it proves little.
    private static let mustSucceed: Set<String> = [
        "analytics.companyReport", "audit.list", "auth.listKeys", "billing.invoices", "billing.subscription",
        "companies.export", "companies.get", "issues.assign", "issues.get", "issues.list", "notifications.list",
        "teams.list", "users.list",
    ]

    @Test func everyResultMatchesItsSchema() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        var company = try await TenantObjects.create(in: mesh, name: "Schema Check", domain: "schema-check.example")
        try cluster.advanceClock(milliseconds: 32 * 86_400_000)
        try await company.findInvoice(in: mesh)

        let description = try await mesh.root.call("rpc.describe")
        let methods = (description["methods"]?.arrayValue ?? []).filter { $0["service"] != nil }
        let ordered =
            methods.filter { !Self.last.contains($0["name"]?.stringValue ?? "") }
            + Self.last.compactMap { name in methods.first { $0["name"]?.stringValue == name } }
        // Every process's own description too, with its internal methods (the per-service exports).
        var everyMethod = methods
        var descriptions = [
            "gateway": description, "gateway short": try await mesh.root.call("rpc.describe", ["schemas": false]),
        ]
        for process in ["tenancy", "billing", "analytics", "notification"] {
            let direct = try MeshClient(socketPath: cluster.home.socketPath(process), apiKey: nil)
            descriptions[process] = try await direct.call("rpc.describe")
            everyMethod += descriptions[process]?["methods"]?.arrayValue ?? []
        }
        // A filter whose null has a meaning of its own describes that meaning.
        let issuesList = methods.first { $0["name"] == "issues.list" }?["params"]?["properties"]
        #expect(issuesList?["assignee_id"]?["description"] == "null lists the issues without an assignee")

        // rpc.describe's own reply, full and short, from the gateway and each service.
        let describeSchema =
            (description["methods"]?.arrayValue ?? []).first { $0["name"] == "rpc.describe" }?["result"] ?? [:]
        for (process, reply) in descriptions {
            let problems = SchemaCheck.problems(reply, describeSchema)
            #expect(problems.isEmpty, "rpc.describe of \(process): \(problems.prefix(5))")
        }
        let open = everyMethod.flatMap { method in
            let name = method["name"]?.stringValue ?? ""
            return SchemaCheck.openSchemas(method["params"] ?? [:], at: "\(name) params")
                + SchemaCheck.openSchemas(method["result"] ?? [:], at: "\(name) result")
        }
        #expect(open.isEmpty, "these schemas accept any value and tell a client nothing: \(open)")
        // Every method rejects params it does not know, so its schema must set additionalProperties.
        let loose = everyMethod.compactMap { method -> String? in
            let params = method["params"] ?? [:]
            return params["type"] == "object" && params["additionalProperties"] != false
                ? method["name"]?.stringValue : nil
        }
        #expect(loose.isEmpty, "these params schemas accept members the methods reject: \(loose)")

        let builder = SchemaParams(ids: company.ids, plain: ["tier": "platinum", "to_status": "In Progress"])

        // An optional member may be null: a null company_id is the caller's own company, as when left out.
        let own = try await company.owner.call("companies.get", ["company_id": nil])
        #expect(own["company_id"]?.stringValue == company.companyID)

        var checked: Set<String> = []
        var failures: [String: String] = [:]
        for method in ordered {
            let name = method["name"]?.stringValue ?? ""
            let described = SchemaParams.Method(
                name: name, scope: method["scope"]?.stringValue ?? "", schema: method["params"] ?? [:])
            let params = builder.params(for: described, including: ["company_id", "issue_id", "assignee_id"])
            let caller = described.scope == "root" ? mesh.root : company.owner

            let outcome = await CallOutcome.of(caller, name, params)
            guard case .success(let result) = outcome else {
                failures[name] = outcome.summary
                continue
            }
            checked.insert(name)
            let problems = SchemaCheck.problems(result, method["result"] ?? [:])
            #expect(
                problems.isEmpty, "\(name) \(JSONWriter.string(params)): \(problems.prefix(5).joined(separator: "; "))")
        }

        let unchecked = Self.mustSucceed.subtracting(checked).sorted()
        #expect(
            unchecked.isEmpty,
            "these calls failed, so their results went unchecked: \(unchecked.map { "\($0): \(failures[$0] ?? "")" })")
    }
}
