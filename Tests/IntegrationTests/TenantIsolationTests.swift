import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import TenantModel
import Testing

/// Calls every public method the gateway describes as one company's owner, naming another company's
/// objects, and checks that nothing of the other company is ever returned or changed.
///
/// The method list comes from `rpc.describe` at run time, so a method added later is covered too.
@Suite(.serialized)
struct TenantIsolationTests {
    @Test func noMethodLeaksAnotherCompany() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        var alpha = try await TenantObjects.create(in: mesh, name: "Alpha Isolation", domain: "alpha-iso.example")
        var bravo = try await TenantObjects.create(in: mesh, name: "Bravo Isolation", domain: "bravo-iso.example")

        // A month later each company has an invoice, so invoice ids can be named too.
        try cluster.advanceClock(milliseconds: 32 * 86_400_000)
        try await alpha.findInvoice(in: mesh)
        try await bravo.findInvoice(in: mesh)

        let before = try await bravo.snapshot(root: mesh.root)
        let description = try await mesh.root.call("rpc.describe")
        #expect(description["unavailable"]?.arrayValue?.isEmpty == true, "a service did not describe its methods")
        let methods = SchemaParams.publicMethods(description)
        #expect(!methods.isEmpty)

        let anonymous = mesh.root.with(apiKey: nil)
        for method in methods {
            let missing = SchemaParams(ids: bravo.ids).missingIdentifiers(of: method)
            #expect(
                missing.isEmpty,
                "\(method.name) names \(missing), which this suite has no object for; create one in TenantObjects")

            for call in IsolationCall.all(for: method, own: alpha, other: bravo) {
                await check(call, outcome: await CallOutcome.of(alpha.owner, method.name, call.params), other: bravo)
                if Permissions.anonymous.contains(method.name) || method.scope == "anonymous" {
                    await check(call, outcome: await CallOutcome.of(anonymous, method.name, call.params), other: bravo)
                }
            }
        }

        let after = try await bravo.snapshot(root: mesh.root)
        for (method, state) in before.sorted(by: { $0.key < $1.key }) {
            #expect(after[method] == state, "\(method) of the other company changed")
        }
        let bravoKey = mesh.root.with(apiKey: bravo.apiKey)
        let company = try await bravoKey.call("companies.get", [:])
        #expect(company["company_id"]?.stringValue == bravo.companyID)
        let issue = try await bravo.owner.call("issues.get", ["issue_id": .string(bravo.issueID)])
        #expect(issue["title"]?.stringValue == bravo.issueTitle)
        let user = try await bravo.owner.call("users.get", ["user_id": .string(bravo.inviteeID)])
        #expect(user["status"]?.stringValue == "invited")
    }

    /// Applies the rule: nothing of the other company reaches the caller, root-only methods are
    /// rejected, naming the other company is NOT_FOUND, and naming one of its objects never succeeds.
    private func check(_ call: IsolationCall, outcome: CallOutcome, other: TenantObjects) async {
        let sent = JSONWriter.string(call.params)
        for marker in other.markers where outcome.text.contains(marker) {
            // An error may repeat an id the caller sent; a result may not contain any of them.
            if outcome.status == nil || !sent.contains(marker) {
                Issue.record("\(call.method.name) \(sent) gave the other company's '\(marker)': \(outcome.summary)")
            }
        }

        let method = call.method
        if Permissions.rootOnly.contains(method.name) || method.scope == "root" {
            #expect(outcome.status == .permissionDenied, "\(method.name) \(sent): \(outcome.summary)")
        } else if Permissions.anonymous.contains(method.name) || method.scope == "anonymous" {
            #expect(outcome.status != nil, "\(method.name) \(sent) succeeded: \(outcome.summary)")
        } else if call.namesOtherCompany {
            #expect(outcome.status == .notFound, "\(method.name) \(sent): \(outcome.summary)")
        } else if call.requiresOtherObject {
            #expect(
                outcome.status != nil, "\(method.name) \(sent) acted on another company's object: \(outcome.summary)")
        }
    }
}

/// One call of the isolation suite: a method and params naming at least one object of the other company.
struct IsolationCall {
    let method: SchemaParams.Method
    let params: JSONValue
    /// Whether `company_id` is the other company's id.
    let namesOtherCompany: Bool
    /// Whether a required property other than `company_id` names the other company's object.
    let requiresOtherObject: Bool

    /// Returns the calls made for `method`.
    ///
    /// First every identifier names the other company's objects, company included: once with the
    /// required properties only, and once more with each optional identifier added. Then, for each
    /// identifier besides `company_id`, that one names the other company's object while the rest name
    /// the caller's own, so a handler that checks only the company is caught.
    static func all(for method: SchemaParams.Method, own: TenantObjects, other: TenantObjects) -> [IsolationCall] {
        let names = method.properties.keys.filter(SchemaParams.isIdentifier).sorted()
        // company_id is optional for a few methods; it is always sent, so the company is always named.
        let company: Set<String> = names.contains("company_id") ? ["company_id"] : []
        var calls: [IsolationCall] = []

        let foreign = SchemaParams(ids: other.ids)
        for optional in [nil] + method.optionalIdentifiers.map(Optional.some) {
            let included = company.union(optional.map { [$0] } ?? [])
            let params = foreign.params(for: method, including: included)
            calls.append(IsolationCall(method: method, params: params, other: other))
        }

        for name in names where name != "company_id" {
            var ids = own.ids
            ids[name] = other.ids[name]
            let params = SchemaParams(ids: ids).params(for: method, including: company.union([name]))
            calls.append(IsolationCall(method: method, params: params, other: other))
        }
        return calls
    }

    init(method: SchemaParams.Method, params: JSONValue, other: TenantObjects) {
        self.method = method
        self.params = params
        namesOtherCompany = params["company_id"]?.stringValue == other.companyID
        requiresOtherObject = method.required.contains { name in
            name != "company_id" && SchemaParams.isIdentifier(name) && params[name] != nil
                && params[name] == other.ids[name]
        }
    }
}
