import Foundation
import MeshProtocol
import Testing

@Suite("RPC errors and the status table")
struct RPCErrorWireTests {
    @Test(arguments: RPCStatus.all)
    func wireRoundTripWithAllFields(_ status: RPCStatus) throws {
        let error = RPCError(
            status,
            "company 'c_1' failed: \"quoted\"",
            details: ["field": "params.tier", "limits": [1, 2]],
            retryAfterMs: 250,
            retryable: !status.retryable
        )

        let wire = try JSONParser.parse(JSONWriter.serialize(error.wireObject))

        #expect(RPCError(wire: wire) == error)
        #expect(wire["code"] == .int(Int64(status.code)))
        #expect(wire["data"]?["status"] == .string(status.name))
    }

    @Test(arguments: RPCStatus.all)
    func wireRoundTripWithRequiredFields(_ status: RPCStatus) throws {
        let error = RPCError(status, "plain")

        let wire = try JSONParser.parse(JSONWriter.serialize(error.wireObject))

        #expect(RPCError(wire: wire) == error)
        #expect(wire["data"]?["retryable"] == .bool(status.retryable))
        #expect(wire["data"]?["retry_after_ms"] == nil)
        #expect(wire["data"]?["details"] == nil)
    }

    @Test(arguments: RPCStatus.all)
    func errorReplyRoundTrip(_ status: RPCStatus) throws {
        let error = RPCError(status, "in a reply", details: ["n": 1])

        let replies = try RPCEnvelope.decodeResponses(RPCEnvelope.encodeError(id: .string("r-1"), error: error))

        #expect(replies.count == 1)
        #expect(replies.first?.id == .string("r-1"))
        #expect(throws: error) {
            try replies.first?.outcome.get()
        }
    }

    @Test func wireObjectHasTheDocumentedShape() {
        let error = RPCError(.notFound, "company 'c_9' was not found", details: ["id": "c_9"], retryAfterMs: 5)

        #expect(
            JSONWriter.string(error.wireObject)
                == #"{"code":-32004,"data":{"details":{"id":"c_9"},"retry_after_ms":5,"retryable":false,"status":"NOT_FOUND"},"message":"company 'c_9' was not found"}"#
        )
    }

    @Test func messageShowsHiddenControlsAsCodePoints() {
        let error = RPCError(
            .notFound, "company cmp_\u{202E}abc\u{1B}[2J was not found\n\tretry", details: ["id": "cmp_\u{202E}abc"])

        let wire = error.wireObject

        #expect(wire["message"] == "company cmp_<U+202E>abc<U+001B>[2J was not found\n\tretry")
        // Details are data a client may compare with what it sent, so they stay exact.
        #expect(wire["data"]?["details"]?["id"] == "cmp_\u{202E}abc")
        #expect("plain ASCII, é and 日本".displaySafe == "plain ASCII, é and 日本")
    }

    @Test func unknownStatusNameFallsBackToTheCode() {
        let wire: JSONValue = ["code": -32004, "message": "m", "data": ["status": "GONE_FISHING"]]

        #expect(RPCError(wire: wire).status == .notFound)
    }

    @Test func unknownNameAndCodeFallBackToInternal() {
        let wire: JSONValue = ["code": 12, "message": "m"]

        let error = RPCError(wire: wire)

        #expect(error.status == .internal)
        #expect(error.message == "m")
        #expect(error.retryable == RPCStatus.internal.retryable)
    }

    @Test func plainJSONRPCErrorWithoutDataIsRead() {
        let wire: JSONValue = ["code": -32601, "message": "Method not found"]

        let error = RPCError(wire: wire)

        #expect(error.status == .methodNotFound)
        #expect(error.details == nil)
        #expect(error.retryAfterMs == nil)
    }

    @Test func statusNamesAndCodesAreUnique() {
        #expect(Set(RPCStatus.all.map(\.name)).count == RPCStatus.all.count)
        #expect(Set(RPCStatus.all.map(\.code)).count == RPCStatus.all.count)
    }

    @Test(arguments: RPCStatus.all)
    func statusIsFoundByName(_ status: RPCStatus) {
        #expect(RPCStatus.named(status.name) == status)
    }

    /// Checks that the status table of SPEC.md, between its two markers, matches `RPCStatus.all` row for row.
    @Test func specificationTableMatchesTheStatusList() throws {
        let text = try String(contentsOf: ProtocolFiles.specification, encoding: .utf8)
        guard let start = text.range(of: "<!-- status-table:begin -->"),
            let end = text.range(of: "<!-- status-table:end -->", range: start.upperBound..<text.endIndex)
        else {
            Issue.record("SPEC.md has no status-table markers")
            return
        }

        var rows: [String] = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            rows.append("\(cells[0].trimmingCharacters(in: ["`"])) \(cells[1]) \(cells[2])")
        }
        let expected = RPCStatus.all.map { "\($0.name) \($0.code) \($0.retryable ? "yes" : "no")" }

        #expect(rows == expected)
    }
}
