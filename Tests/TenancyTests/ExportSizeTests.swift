import MeshProtocol
import MeshRuntime
import Testing

@testable import Tenancy

@Suite struct ExportSizeTests {
    let tenancyPart: [String: JSONValue] = ["company": ["name": "Acme"]]

    func tooLarge(_ size: Int64) -> RPCError {
        RPCError(.resourceExhausted, "too large", details: ["size": .int(size), "limit": 1_048_576])
    }

    @Test func tooLargePartGivesWholeSize() throws {
        let parts: [String: Result<JSONValue, RPCError>] = [
            "billing": .success(["invoices": []]),
            "analytics": .failure(tooLarge(15_000_000)),
            "notification": .failure(tooLarge(2_000_000)),
        ]

        let error = #expect(throws: RPCError.self) {
            _ = try CompanyExport.combine(parts, tenancyPart: tenancyPart)
        }

        let tenancySize = Int64(JSONWriter.serialize(.object(tenancyPart)).count)
        let billingSize = Int64(JSONWriter.serialize(["invoices": []]).count)
        let total = tenancySize + billingSize + 17_000_000
        #expect(error?.status == .resourceExhausted)
        #expect(error?.details?["size"] == .int(total))
        #expect(error?.details?["parts"]?["analytics"] == 15_000_000)
        #expect(error?.details?["parts"]?["tenancy"] == .int(tenancySize))
        #expect(error?.message.contains("set MESH_MAX_FRAME_BYTES to at least \(total + total / 10)") == true)
    }

    @Test func beyondLargestFrameSaysSo() {
        let parts: [String: Result<JSONValue, RPCError>] = [
            "billing": .success([:]),
            "analytics": .failure(tooLarge(70_000_000)),
            "notification": .success([:]),
        ]

        let error = #expect(throws: RPCError.self) {
            _ = try CompanyExport.combine(parts, tenancyPart: tenancyPart)
        }

        #expect(error?.message.contains("more than the largest frame the mesh accepts") == true)
        #expect(error?.message.contains("companies.exportPage") == true)
    }

    @Test func otherFailureIsPassedOn() {
        let parts: [String: Result<JSONValue, RPCError>] = [
            "billing": .failure(RPCError(.unavailable, "billing is down")),
            "analytics": .failure(tooLarge(3_000_000)),
            "notification": .success([:]),
        ]

        let error = #expect(throws: RPCError.self) {
            _ = try CompanyExport.combine(parts, tenancyPart: tenancyPart)
        }

        #expect(error?.status == .unavailable)
    }

    @Test func partsThatFitAloneButNotTogether() {
        let parts: [String: Result<JSONValue, RPCError>] = [
            "billing": .success(["a": .string(String(repeating: "x", count: 40_000))]),
            "analytics": .success(["b": .string(String(repeating: "y", count: 40_000))]),
            "notification": .success([:]),
        ]

        let error = #expect(throws: RPCError.self) {
            _ = try CompanyExport.combine(parts, tenancyPart: tenancyPart, frameLimit: 65_536)
        }

        #expect(error?.status == .resourceExhausted)
        #expect(error?.details?["limit"] == 65_536)
        #expect(error?.details?["parts"]?["analytics"] != nil)
        #expect(error?.message.contains("set MESH_MAX_FRAME_BYTES to at least") == true)
    }

    @Test func fittingPartsAreReturned() throws {
        let parts: [String: Result<JSONValue, RPCError>] = [
            "billing": .success(["a": 1]),
            "analytics": .success(["b": 2]),
            "notification": .success([:]),
        ]

        let combined = try CompanyExport.combine(parts, tenancyPart: tenancyPart)

        #expect(combined["billing"] == ["a": 1])
        #expect(combined["analytics"] == ["b": 2])
        #expect(combined.count == 3)
    }
}
