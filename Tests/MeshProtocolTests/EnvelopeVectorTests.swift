import MeshProtocol
import Testing

/// One case of `envelope.json` or `jsonrpc-spec-examples.json`.
struct EnvelopeVector: Sendable, CustomTestStringConvertible {
    let file: String
    let name: String
    let payload: [UInt8]
    let expected: JSONValue

    var testDescription: String { "\(file): \(name)" }

    static let envelope = load("envelope.json")
    static let specExamples = load("jsonrpc-spec-examples.json")

    static func load(_ file: String) -> [EnvelopeVector] {
        ProtocolFiles.casesOrEmpty(file).compactMap { EnvelopeVector(file: file, json: $0) }
    }

    init?(file: String, json: JSONValue) {
        guard let name = json["name"]?.stringValue, let expected = json["expected"] else {
            return nil
        }
        if let text = json["payload"]?.stringValue {
            payload = Array(text.utf8)
        } else if let hex = json["payload_hex"]?.stringValue, let decoded = bytes(fromHex: hex) {
            payload = decoded
        } else {
            return nil
        }
        self.file = file
        self.name = name
        self.expected = expected
    }
}

/// Compares what `RPCEnvelope.decodeIncoming` returned with a vector's `expected` object and returns
/// the differences, one sentence each.
enum EnvelopeExpectation {
    static func differences(_ outcome: Result<RPCIncoming, RPCEnvelopeFailure>, _ expected: JSONValue) -> [String] {
        switch (expected["kind"]?.stringValue, outcome) {
        case ("request", .success(.single(let request))):
            return differences(request, expected)
        case ("batch", .success(.batch(let items))):
            return differences(items, expected)
        case ("error", .failure(let failure)):
            return differences(failure, expected)
        default:
            return ["expected \(expected["kind"]?.stringValue ?? "?"), got \(summary(outcome))"]
        }
    }

    static func differences(_ request: RPCRequest, _ expected: JSONValue) -> [String] {
        var found: [String] = []
        if expected["method"]?.stringValue != request.method {
            found.append("method is '\(request.method)', expected \(expected["method"].map(JSONWriter.string) ?? "none")")
        }
        let expectedID = expected["id"].flatMap { RPCID(json: $0) }
        if expectedID != request.id {
            found.append("id is \(request.id.map(\.description) ?? "absent"), expected \(expectedID.map(\.description) ?? "absent")")
        }
        if expected["params"] != request.params {
            found.append("params are \(request.params.map(JSONWriter.string) ?? "absent"), expected \(expected["params"].map(JSONWriter.string) ?? "absent")")
        }
        if expected["meta"] != request.meta.json {
            found.append("meta is \(request.meta.json.map(JSONWriter.string) ?? "empty"), expected \(expected["meta"].map(JSONWriter.string) ?? "empty")")
        }
        return found
    }

    static func differences(_ items: [Result<RPCRequest, RPCEnvelopeFailure>], _ expected: JSONValue) -> [String] {
        let expectedItems: [JSONValue]
        if let listed = expected["items"]?.arrayValue {
            expectedItems = listed
        } else if let count = expected["count"]?.intValue, let each = expected["each"] {
            expectedItems = Array(repeating: each, count: Int(count))
        } else {
            return ["the vector's batch expectation has neither items nor count and each"]
        }
        guard items.count == expectedItems.count else {
            return ["batch has \(items.count) items, expected \(expectedItems.count)"]
        }

        var found: [String] = []
        for (position, (item, expectedItem)) in zip(items, expectedItems).enumerated() {
            let problems: [String]
            switch (expectedItem["kind"]?.stringValue, item) {
            case ("request", .success(let request)):
                problems = differences(request, expectedItem)
            case ("error", .failure(let failure)):
                problems = differences(failure, expectedItem)
            default:
                problems = ["expected \(expectedItem["kind"]?.stringValue ?? "?")"]
            }
            found += problems.map { "item \(position): \($0)" }
        }
        return found
    }

    static func differences(_ failure: RPCEnvelopeFailure, _ expected: JSONValue) -> [String] {
        var found: [String] = []
        if expected["code"]?.intValue != Int64(failure.error.status.code) {
            found.append("code is \(failure.error.status.code), expected \(expected["code"].map(JSONWriter.string) ?? "?")")
        }
        if expected["status"]?.stringValue != failure.error.status.name {
            found.append("status is \(failure.error.status.name), expected \(expected["status"]?.stringValue ?? "?")")
        }
        // On the wire an unreadable id and an explicit null id are both null.
        let wireID = (failure.id ?? .null).json
        if expected["id"] != wireID {
            found.append("id is \(JSONWriter.string(wireID)), expected \(expected["id"].map(JSONWriter.string) ?? "absent")")
        }
        let field = failure.error.details?["field"]
        if expected["field"] != field {
            found.append("details.field is \(field.map(JSONWriter.string) ?? "absent"), expected \(expected["field"].map(JSONWriter.string) ?? "absent")")
        }
        if failure.error.message.isEmpty {
            found.append("the error message is empty")
        }
        return found
    }

    private static func summary(_ outcome: Result<RPCIncoming, RPCEnvelopeFailure>) -> String {
        switch outcome {
        case .success(.single(let request)): return "a request for \(request.method)"
        case .success(.batch(let items)): return "a batch of \(items.count)"
        case .failure(let failure): return "error \(failure.error)"
        }
    }
}

@Suite("Envelope against envelope.json and the JSON-RPC 2.0 examples")
struct EnvelopeVectorTests {
    @Test func vectorFilesLoad() throws {
        let envelope = try ProtocolFiles.vectorCases("envelope.json")
        let examples = try ProtocolFiles.vectorCases("jsonrpc-spec-examples.json")

        #expect(envelope.count >= 80)
        #expect(EnvelopeVector.envelope.count == envelope.count, "every case has name, payload or payload_hex, and expected")
        #expect(examples.count == 15)
        #expect(EnvelopeVector.specExamples.count == examples.count)
    }

    @Test(arguments: EnvelopeVector.envelope + EnvelopeVector.specExamples)
    func decodesAsExpected(_ vector: EnvelopeVector) {
        let outcome = RPCEnvelope.decodeIncoming(vector.payload)

        let problems = EnvelopeExpectation.differences(outcome, vector.expected)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
    }

    /// A rejection becomes an error reply that a client reads back as the same status and id.
    @Test(arguments: (EnvelopeVector.envelope + EnvelopeVector.specExamples).filter { $0.expected["kind"] == "error" })
    func rejectionsEncodeAsReadableReplies(_ vector: EnvelopeVector) throws {
        guard case .failure(let failure) = RPCEnvelope.decodeIncoming(vector.payload) else {
            Issue.record("\(vector.name) was accepted")
            return
        }

        let replies = try RPCEnvelope.decodeResponses(RPCEnvelope.encodeError(id: failure.id, error: failure.error))
        #expect(replies.count == 1)
        #expect(replies.first?.id == (failure.id ?? .null))
        #expect(throws: failure.error) {
            try replies.first?.outcome.get()
        }
    }

    @Test func nonExistentMethodExamplesNameTheMethodNotFoundCode() {
        var codes: [Int64] = []
        for vector in EnvelopeVector.specExamples {
            if let code = vector.expected["runtime_error"]?.intValue {
                codes.append(code)
            }
            for item in vector.expected["items"]?.arrayValue ?? [] {
                if let code = item["runtime_error"]?.intValue {
                    codes.append(code)
                }
            }
        }

        #expect(codes.count == 2)
        #expect(codes.allSatisfy { $0 == Int64(RPCStatus.methodNotFound.code) })
    }
}
