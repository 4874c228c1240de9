/// Decoding and encoding of JSON-RPC 2.0 messages with the `meta` extension.
///
/// The payload is the JSON bytes of one frame; framing is `FrameDecoder`'s and `FrameEncoder`'s job.
public enum RPCEnvelope {
    /// The maximum number of requests in one batch.
    public static let maximumBatchSize = 256

    public static func decodeIncoming(_ payload: [UInt8]) -> Result<RPCIncoming, RPCEnvelopeFailure> {
        payload.withUnsafeBytes { decodeIncoming($0) }
    }

    /// Decodes one frame's payload into a request or a batch.
    ///
    /// Text that is not JSON is a PARSE_ERROR with a null id. Well-formed JSON that is not a valid
    /// request (including an object with a duplicate member) is INVALID_REQUEST.
    public static func decodeIncoming(_ payload: UnsafeRawBufferPointer) -> Result<RPCIncoming, RPCEnvelopeFailure> {
        if let fast = decodeSingleObject(payload) {
            return fast
        }

        let value: JSONValue
        do {
            value = try JSONParser.parse(payload)
        } catch {
            return .failure(parseFailure(error))
        }

        switch value {
        case .object:
            return decodeRequest(value).map { .single($0) }
        case .array(let elements):
            if elements.isEmpty {
                return .failure(
                    RPCEnvelopeFailure(
                        id: nil,
                        error: RPCError(
                            .invalidRequest,
                            "a batch must not be empty; send at least one request in the array, or a single request object"
                        )))
            }
            if elements.count > maximumBatchSize {
                return .failure(
                    RPCEnvelopeFailure(
                        id: nil,
                        error: RPCError(
                            .invalidRequest,
                            "a batch of \(elements.count) requests exceeds the maximum of \(maximumBatchSize); split it",
                            details: ["limit": .int(Int64(maximumBatchSize)), "count": .int(Int64(elements.count))]
                        )
                    )
                )
            }
            return .success(.batch(elements.map { decodeRequest($0) }))
        default:
            return .failure(
                RPCEnvelopeFailure(
                    id: nil,
                    error: RPCError(
                        .invalidRequest, "a request must be a JSON object or a batch array, not \(value.typeName)")
                )
            )
        }
    }

    /// Decodes a payload whose first non-blank byte is `{` as one request without building a
    /// dictionary. Returns nil for anything else, which then takes the general path.
    static func decodeSingleObject(_ payload: UnsafeRawBufferPointer) -> Result<RPCIncoming, RPCEnvelopeFailure>? {
        let bytes = payload.bindMemory(to: UInt8.self)
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
            first == UInt8(ascii: "{")
        else {
            return nil
        }

        var scanner = JSONScanner(bytes: bytes)
        let members: EnvelopeMembers
        do {
            members = try scanner.parseEnvelopeDocument()
        } catch {
            return .failure(parseFailure(error))
        }
        return validate(members).map { .single($0) }
    }

    static func parseFailure(_ error: JSONParseError) -> RPCEnvelopeFailure {
        let status: RPCStatus = error.kind == .duplicateKey ? .invalidRequest : .parseError
        let message = status == .parseError ? "invalid JSON: \(error)" : "invalid request: \(error)"
        return RPCEnvelopeFailure(id: nil, error: RPCError(status, message))
    }

    /// Checks one request object.
    static func decodeRequest(_ value: JSONValue) -> Result<RPCRequest, RPCEnvelopeFailure> {
        guard case .object(let members) = value else {
            return .failure(
                RPCEnvelopeFailure(
                    id: nil, error: RPCError(.invalidRequest, "a request must be an object, not \(value.typeName)")))
        }
        return validate(EnvelopeMembers(members))
    }

    /// Applies the request rules to members read by either path.
    static func validate(_ members: EnvelopeMembers) -> Result<RPCRequest, RPCEnvelopeFailure> {
        var id: RPCID?
        if let rawID = members.id {
            guard let parsed = RPCID(json: rawID) else {
                return .failure(
                    RPCEnvelopeFailure(
                        id: nil,
                        error: RPCError(
                            .invalidRequest,
                            "id must be a string, null or an integer within 64 bits written without a fraction or "
                                + "an exponent (7, not 7.0 or 7e0), not \(rawID.notIntegerText)",
                            details: ["field": "id"]))
                )
            }
            id = parsed
        }
        func invalid(_ message: String, field: String) -> Result<RPCRequest, RPCEnvelopeFailure> {
            .failure(
                RPCEnvelopeFailure(
                    id: id, error: RPCError(.invalidRequest, message, details: ["field": .string(field)])))
        }

        guard members.jsonrpc == .string("2.0") else {
            return invalid("jsonrpc must be exactly \"2.0\"", field: "jsonrpc")
        }
        guard case .string(let method)? = members.method else {
            return invalid("method must be a string", field: "method")
        }
        if let unknown = members.unknown {
            return invalid(
                "unknown member '\(unknown.clipped)'; a request has jsonrpc, method, params, id and meta",
                field: unknown.clipped)
        }

        let params = members.params
        switch params {
        case nil, .object?, .array?:
            break
        default:
            return invalid("params must be an object or an array", field: "params")
        }

        var meta = RequestMeta()
        if let rawMeta = members.meta {
            do {
                meta = try RequestMeta(json: rawMeta)
            } catch {
                return .failure(RPCEnvelopeFailure(id: id, error: error))
            }
        }
        return .success(RPCRequest(id: id, method: method, params: params, meta: meta))
    }

    // MARK: Encoding

    public static func encodeResult(id: RPCID?, result: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(48)
        output.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.append((id ?? .null).json, to: &output)
        output.append(contentsOf: #","jsonrpc":"2.0","result":"#.utf8)
        JSONWriter.append(result, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    public static func encodeError(id: RPCID?, error: RPCError) -> [UInt8] {
        var output: [UInt8] = []
        output.append(contentsOf: #"{"error":"#.utf8)
        JSONWriter.append(error.wireObject, to: &output)
        output.append(contentsOf: #","id":"#.utf8)
        JSONWriter.append((id ?? .null).json, to: &output)
        output.append(contentsOf: #","jsonrpc":"2.0"}"#.utf8)
        return output
    }

    /// Encodes a request; a nil id makes it a notification.
    public static func encodeRequest(id: RPCID?, method: String, params: JSONValue?, meta: RequestMeta?) -> [UInt8] {
        guard let params else {
            return encodeRequest(id: id, method: method, meta: meta, writeParams: nil)
        }
        return encodeRequest(id: id, method: method, meta: meta) { output in
            JSONWriter.append(params, to: &output)
        }
    }

    /// Encodes a request whose params `writeParams` appends as JSON text, for a sender that already
    /// has parts of them as JSON and need not parse them into a `JSONValue` first.
    public static func encodeRequest(
        id: RPCID?,
        method: String,
        meta: RequestMeta?,
        writeParams: ((inout [UInt8]) -> Void)?
    ) -> [UInt8] {
        // Written member by member, in sorted order like JSONWriter, without building a dictionary:
        // the gateway encodes one request per call it forwards.
        var output: [UInt8] = []
        output.reserveCapacity(96)
        output.append(UInt8(ascii: "{"))
        if let id {
            output.append(contentsOf: #""id":"#.utf8)
            JSONWriter.append(id.json, to: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""jsonrpc":"2.0","#.utf8)
        if let metaJSON = meta?.json {
            output.append(contentsOf: #""meta":"#.utf8)
            JSONWriter.append(metaJSON, to: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""method":"#.utf8)
        JSONWriter.appendString(method, to: &output)
        if let writeParams {
            output.append(contentsOf: #","params":"#.utf8)
            writeParams(&output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Joins already encoded messages into one batch array.
    public static func encodeBatch(_ parts: [[UInt8]]) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "[")]
        for (position, part) in parts.enumerated() {
            if position > 0 {
                output.append(UInt8(ascii: ","))
            }
            output.append(contentsOf: part)
        }
        output.append(UInt8(ascii: "]"))
        return output
    }

    // MARK: Client side

    /// Decodes a reply frame: one response object or a batch of them.
    public static func decodeResponses(_ payload: [UInt8]) throws(RPCError) -> [RPCResponse] {
        let outcome = payload.withUnsafeBytes { bytes in
            Result { () throws(RPCError) -> [RPCResponse] in try decodeResponses(bytes) }
        }
        return try outcome.get()
    }

    public static func decodeResponses(_ payload: UnsafeRawBufferPointer) throws(RPCError) -> [RPCResponse] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(payload)
        } catch {
            throw RPCError(.parseError, "reply is not valid JSON: \(error)")
        }
        switch value {
        case .object:
            return [try decodeResponse(value)]
        case .array(let elements):
            var responses: [RPCResponse] = []
            for element in elements {
                responses.append(try decodeResponse(element))
            }
            return responses
        default:
            throw RPCError(.invalidRequest, "reply must be an object or an array, not \(value.typeName)")
        }
    }

    static func decodeResponse(_ value: JSONValue) throws(RPCError) -> RPCResponse {
        guard case .object(let members) = value, members["jsonrpc"] == .string("2.0") else {
            throw RPCError(.invalidRequest, "reply is not a JSON-RPC 2.0 response object")
        }
        let id = members["id"].flatMap { RPCID(json: $0) }
        if let error = members["error"] {
            return RPCResponse(id: id, outcome: .failure(RPCError(wire: error)))
        }
        guard let result = members["result"] else {
            throw RPCError(.invalidRequest, "reply has neither result nor error")
        }
        return RPCResponse(id: id, outcome: .success(result))
    }
}
