import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Testing

/// Export gathers a company from every service; delete removes it from every service.
@Suite(.serialized)
struct ExportDeleteTests {
    @Test func exportThenDeleteAcrossServices() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Export Works", email: "owner@export.example", tier: "premium")
        let owner = try await mesh.signIn("owner@export.example")
        _ = try await mesh.eventually { try await mesh.root.subscription(companyID: companyID) }

        let export = try await mesh.eventually {
            let document = try await owner.call("companies.export", ["company_id": .string(companyID)])
            guard document["analytics"] != nil, document["notification"]?["messages"]?.arrayValue?.isEmpty == false else {
                throw RPCError(.unavailable, "services have not recorded the company yet")
            }
            return document
        }
        #expect(export["company"]?["company_id"]?.stringValue == companyID)
        #expect(export["billing"] != nil)
        #expect(export["analytics"] != nil)
        #expect(!JSONWriter.string(export).contains("tmi_"))

        _ = try await mesh.root.call("companies.delete", ["company_id": .string(companyID)])
        let refused: RPCError = try await mesh.eventually {
            let outcome: Result<JSONValue, RPCError>
            do {
                outcome = .success(try await owner.company(companyID))
            } catch let error as RPCError {
                outcome = .failure(error)
            }
            guard case .failure(let error) = outcome else {
                throw RPCError(.unavailable, "the deleted company's key still works")
            }
            return error
        }
        #expect(refused.status == .unauthenticated || refused.status == .notFound)

        // Billing cancels the subscription, keeps its rows for export, and returns NOT_FOUND like the rest.
        let billing = try await mesh.eventually {
            let value = try await mesh.root.call("billing.overview", [:])
            guard value["canceled_subscriptions"]?.intValue == 1 else {
                throw RPCError(.unavailable, "billing has not applied company.deleted yet")
            }
            return value
        }
        #expect(billing["canceled_subscriptions"]?.intValue == 1)
        let byCompany: JSONValue = ["company_id": .string(companyID)]
        for method in ["billing.subscription", "billing.invoices", "notifications.list", "analytics.companyReport"] {
            let outcome = await CallOutcome.of(mesh.root, method, byCompany)
            #expect(outcome.status == .notFound, "\(method) after companies.delete: \(outcome.summary)")
        }

        let overview = try await mesh.eventually {
            let value = try await mesh.root.systemOverview()
            guard value["total_companies"]?.intValue == 0 else {
                throw RPCError(.unavailable, "analytics still counts the deleted company")
            }
            return value
        }
        #expect(overview["total_companies"]?.intValue == 0)
    }
}
