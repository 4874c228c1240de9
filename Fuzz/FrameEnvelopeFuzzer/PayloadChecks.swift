/// Invariants of any payload a peer could send. The envelope decoder reaches the verdict that the
/// general parser and the request rules give, so its fast path for objects never disagrees with the
/// general path. Parsed JSON writes out and reads back to the same value. Every reply a server would
/// build from the verdict reads back as a response.
enum PayloadChecks {
    static func check(_ payload: UnsafeRawBufferPointer) {
        let incoming = RPCEnvelope.decodeIncoming(payload)
        let parsed = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(payload) }

        switch parsed {
        case .failure(let error):
            // Malformed text is a PARSE_ERROR, and well-formed text with a repeated name an INVALID_REQUEST.
            let expected: RPCStatus = error.kind == .duplicateKey ? .invalidRequest : .parseError
            guard case .failure(let failure) = incoming, failure.error.status == expected, failure.id == nil else {
                fail("the parser rejected it (\(error)), but the envelope decoder returned \(verdict(incoming))", payload)
            }
        case .success(let value):
            checkRoundTrip(value, payload)
            checkAgreement(value, incoming, payload)
        }
        checkReplies(incoming, payload)
    }

    /// Compares the decoder's verdict with the one the request rules give for `value`.
    private static func checkAgreement(
        _ value: JSONValue,
        _ incoming: Result<RPCIncoming, RPCEnvelopeFailure>,
        _ payload: UnsafeRawBufferPointer
    ) {
        let expected: String
        switch value {
        case .object:
            expected = verdict(RPCEnvelope.decodeRequest(value).map { RPCIncoming.single($0) })
        case .array(let elements) where !elements.isEmpty && elements.count <= RPCEnvelope.maximumBatchSize:
            expected = verdict(.success(.batch(elements.map { RPCEnvelope.decodeRequest($0) })))
        default:
            // A scalar, an empty batch or an oversized one: one INVALID_REQUEST for the whole payload.
            expected = "failure id=none status=INVALID_REQUEST field=none"
        }

        let answered = verdict(incoming)
        guard answered == expected else {
            fail("the envelope decoder returned \(answered), the request rules give \(expected)", payload)
        }
    }

    /// Checks that parsed JSON, written and read back, is the same value, and is written as the same bytes again.
    private static func checkRoundTrip(_ value: JSONValue, _ payload: UnsafeRawBufferPointer) {
        let written = JSONWriter.serialize(value)
        let reread: JSONValue
        do {
            reread = try JSONParser.parse(written)
        } catch {
            fail("the writer produced text the parser rejects (\(error)): \(String(decoding: written.prefix(200), as: UTF8.self))", payload)
        }
        guard reread == value else {
            fail("writing and reading back changed the value: \(String(decoding: written.prefix(200), as: UTF8.self))", payload)
        }
        guard JSONWriter.serialize(reread) == written else {
            fail("the same value was written as different bytes", payload)
        }
    }

    /// Checks that the replies a server sends for this verdict read back with the same ids and statuses.
    private static func checkReplies(_ incoming: Result<RPCIncoming, RPCEnvelopeFailure>, _ payload: UnsafeRawBufferPointer) {
        var replies: [(id: RPCID?, status: RPCStatus?, bytes: [UInt8])] = []
        func reply(_ member: Result<RPCRequest, RPCEnvelopeFailure>) {
            switch member {
            case .success(let request):
                replies.append((request.id, nil, RPCEnvelope.encodeResult(id: request.id, result: request.params ?? .null)))
            case .failure(let failure):
                replies.append((failure.id, failure.error.status, RPCEnvelope.encodeError(id: failure.id, error: failure.error)))
            }
        }
        switch incoming {
        case .success(.single(let request)):
            reply(.success(request))
        case .success(.batch(let members)):
            members.forEach(reply)
        case .failure(let failure):
            reply(.failure(failure))
        }

        let decoded: [RPCResponse]
        do {
            decoded = try RPCEnvelope.decodeResponses(RPCEnvelope.encodeBatch(replies.map(\.bytes)))
        } catch {
            fail("a reply built for this payload does not read back: \(error)", payload)
        }
        guard decoded.count == replies.count else {
            fail("\(replies.count) replies read back as \(decoded.count)", payload)
        }
        for (sent, received) in zip(replies, decoded) {
            let receivedStatus: RPCStatus?
            switch received.outcome {
            case .success:
                receivedStatus = nil
            case .failure(let error):
                receivedStatus = error.status
            }
            guard (received.id ?? .null) == (sent.id ?? .null), receivedStatus == sent.status else {
                fail("a reply for id \(sent.id?.description ?? "none") read back as id \(received.id?.description ?? "none")", payload)
            }
        }
    }

    /// Describes a verdict as comparable text: the request as decoded, or the error's status, id and field.
    static func verdict(_ outcome: Result<RPCIncoming, RPCEnvelopeFailure>) -> String {
        switch outcome {
        case .success(.single(let request)):
            return verdict(.success(request))
        case .success(.batch(let members)):
            return "batch[" + members.map { verdict($0) }.joined(separator: "; ") + "]"
        case .failure(let failure):
            return verdict(Result<RPCRequest, RPCEnvelopeFailure>.failure(failure))
        }
    }

    static func verdict(_ outcome: Result<RPCRequest, RPCEnvelopeFailure>) -> String {
        switch outcome {
        case .success(let request):
            let params = request.params.map { JSONWriter.string($0) } ?? "none"
            let meta = request.meta.json.map { JSONWriter.string($0) } ?? "none"
            return "request id=\(request.id?.description ?? "none") method=\(JSONWriter.string(.string(request.method))) params=\(params) meta=\(meta)"
        case .failure(let failure):
            let field = failure.error.details?["field"].map { JSONWriter.string($0) } ?? "none"
            return "failure id=\(failure.id?.description ?? "none") status=\(failure.error.status.name) field=\(field)"
        }
    }
}

/// Stops the run with a message and the start of the input. libFuzzer saves the whole input.
func fail(_ problem: String, _ input: UnsafeRawBufferPointer) -> Never {
    let shown = input.prefix(120).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    fatalError("\(problem)\ninput (\(input.count) bytes): \(shown)")
}
