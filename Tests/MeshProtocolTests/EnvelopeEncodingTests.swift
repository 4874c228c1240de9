import Foundation
import MeshProtocol
import Testing

@Suite("Envelope encoding and replies")
struct EnvelopeEncodingTests {
    /// Builds the request and reply frames of the specification's worked example with the encoders.
    static func workedExample() -> (request: [UInt8], reply: [UInt8]) {
        var meta = RequestMeta()
        meta.timeoutMs = 2000
        let request = RPCEnvelope.encodeRequest(id: .int(7), method: "rpc.ping", params: nil, meta: meta)
        let reply = RPCEnvelope.encodeResult(id: .int(7), result: "pong")
        return (FrameEncoder.frame(request), FrameEncoder.frame(reply))
    }

    @Test func workedExampleMatchesTheFrameVectors() throws {
        let cases = try ProtocolFiles.vectorCases("frames.json")
        func hex(_ name: String) -> String? {
            cases.first { $0["name"] == .string(name) }?["input_hex"]?.stringValue
        }

        let example = Self.workedExample()

        #expect(hexString(example.request) == hex("worked_example_request"))
        #expect(hexString(example.reply) == hex("worked_example_reply"))
    }

    @Test func workedExampleAppearsInTheSpecification() throws {
        let text = try String(contentsOf: ProtocolFiles.specification, encoding: .utf8)
        let example = Self.workedExample()

        #expect(text.contains(hexString(example.request)))
        #expect(text.contains(hexString(example.reply)))
    }

    @Test func encodedRequestDecodesToTheSameRequest() throws {
        var meta = RequestMeta()
        meta.timeoutMs = 30_000
        meta.idempotencyKey = "provision-1"
        meta.traceID = "trace-7"
        meta.apiKey = "tm_key"
        meta.caller = ["kind": "user", "company_id": "c_1"]
        meta.extra = ["x_future": [1, 2]]
        let params: JSONValue = ["name": "Acme", "seats": 5]

        let payload = RPCEnvelope.encodeRequest(
            id: .string("a-1"), method: "tenancy.provision", params: params, meta: meta)

        guard case .success(.single(let request)) = RPCEnvelope.decodeIncoming(payload) else {
            Issue.record("the encoded request was rejected: \(String(decoding: payload, as: UTF8.self))")
            return
        }
        #expect(request.id == .string("a-1"))
        #expect(request.method == "tenancy.provision")
        #expect(request.params == params)
        #expect(request.meta == meta)
    }

    @Test func requestWithoutIdIsANotification() {
        let payload = RPCEnvelope.encodeRequest(id: nil, method: "events.deliver", params: nil, meta: nil)

        #expect(String(decoding: payload, as: UTF8.self) == #"{"jsonrpc":"2.0","method":"events.deliver"}"#)
        guard case .success(.single(let request)) = RPCEnvelope.decodeIncoming(payload) else {
            Issue.record("the notification was rejected")
            return
        }
        #expect(request.isNotification)
    }

    @Test func emptyMetaIsLeftOut() {
        let payload = RPCEnvelope.encodeRequest(id: .int(1), method: "rpc.ping", params: nil, meta: RequestMeta())

        #expect(String(decoding: payload, as: UTF8.self) == #"{"id":1,"jsonrpc":"2.0","method":"rpc.ping"}"#)
    }

    @Test func errorReplyWithoutIdCarriesNull() {
        let payload = RPCEnvelope.encodeError(id: nil, error: RPCError(.parseError, "invalid JSON"))

        #expect(
            String(decoding: payload, as: UTF8.self)
                == #"{"error":{"code":-32700,"data":{"retryable":false,"status":"PARSE_ERROR"},"message":"invalid JSON"},"id":null,"jsonrpc":"2.0"}"#
        )
    }

    @Test func batchReplyDecodesInOrder() throws {
        let parts = [
            RPCEnvelope.encodeResult(id: .int(2), result: ["cancelled": true]),
            RPCEnvelope.encodeError(id: .string("x"), error: RPCError(.notFound, "gone")),
            RPCEnvelope.encodeResult(id: .null, result: nil),
        ]

        let replies = try RPCEnvelope.decodeResponses(RPCEnvelope.encodeBatch(parts))

        #expect(replies.map(\.id) == [.int(2), .string("x"), .null])
        #expect(try replies[0].outcome.get() == ["cancelled": true])
        #expect(throws: RPCError(.notFound, "gone")) {
            try replies[1].outcome.get()
        }
        #expect(try replies[2].outcome.get() == .null)
    }

    @Test(arguments: [
        ("not JSON", "{", RPCStatus.parseError),
        ("a scalar", "42", .invalidRequest),
        ("no jsonrpc member", #"{"id":1,"result":2}"#, .invalidRequest),
        ("neither result nor error", #"{"id":1,"jsonrpc":"2.0"}"#, .invalidRequest),
        ("a batch with a scalar", #"[{"id":1,"jsonrpc":"2.0","result":2},3]"#, .invalidRequest),
    ])
    func malformedRepliesAreRejected(_ label: String, _ text: String, _ status: RPCStatus) {
        #expect {
            try RPCEnvelope.decodeResponses(Array(text.utf8))
        } throws: { error in
            (error as? RPCError)?.status == status
        }
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","method":"m","id":1,"meta":{"timeout_ms":"5000"}}"#, #"not "5000""#),
        (#"{"jsonrpc":"2.0","method":"m","id":1.5}"#, "not 1.5"),
        (#"{"jsonrpc":"2.0","method":"m","id":1e2}"#, "not a whole number written with a fraction or an exponent"),
        (#"{"jsonrpc":"2.0","method":"m","id":12345678901234567890}"#, "not a whole number outside the 64-bit range"),
        (#"{"jsonrpc":"2.0","method":"m","id":1,"meta":{"timeout_ms":5e2}}"#, "fraction or an exponent"),
    ])
    func wrongEnvelopeValueIsShown(text: String, ending: String) {
        guard case .failure(let failure) = RPCEnvelope.decodeIncoming(Array(text.utf8)) else {
            Issue.record("\(text) was accepted")
            return
        }

        #expect(failure.error.message.hasSuffix(ending), "\(failure.error.message)")
    }

    @Test func decodingWorksFromARawBuffer() {
        let payload = Array(#"{"jsonrpc":"2.0","method":"rpc.ping","id":3}"#.utf8)

        let outcome = payload.withUnsafeBytes { RPCEnvelope.decodeIncoming($0) }

        guard case .success(.single(let request)) = outcome else {
            Issue.record("rejected")
            return
        }
        #expect(request.id == .int(3))
    }

    /// Of several unknown members the first in code-point order is named, the same on every run.
    @Test func severalProblemsAreReportedTheSameWayEveryTime() {
        let payload = Array(#"{"jsonrpc":"2.0","method":"a","id":1,"zeta":1,"alpha":2,"mid":3}"#.utf8)
        let metaPayload = Array(
            #"{"jsonrpc":"2.0","method":"a","id":1,"meta":{"trace_id":1,"api_key":2,"caller":3}}"#.utf8)

        for _ in 0..<20 {
            guard case .failure(let failure) = RPCEnvelope.decodeIncoming(payload),
                case .failure(let metaFailure) = RPCEnvelope.decodeIncoming(metaPayload)
            else {
                Issue.record("accepted")
                return
            }
            #expect(failure.error.details?["field"] == "alpha")
            #expect(metaFailure.error.details?["field"] == "meta.api_key")
        }
    }
}
