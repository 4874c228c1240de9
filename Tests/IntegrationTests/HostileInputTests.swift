import Foundation
import MeshProtocol
import MeshTesting
import Testing

/// Malformed and hostile JSON sent as frame payloads straight to the sockets of a real mesh: the
/// gateway and every service. Every payload gets the error the protocol specification gives it, and
/// afterwards each process still responds under the same pid, with its memory not grown past a bound.
@Suite(.serialized)
struct HostileInputTests {
    static let processes = ["gateway", "tenancy", "billing", "analytics", "notification"]

    /// How much a process's resident memory may grow over three rounds of the corpus. The bound is
    /// generous because allocator caches and first use account for a few megabytes. It is there to
    /// catch payloads (1.4 MB per round) or per-request state that are never freed.
    static let memoryGrowthBound = 64 << 20

    @Test(.enabled(if: JSONCorpus.isPresent, "skipped: the JSON conformance corpus was not found; set MESH_JSON_CORPUS to its folder"))
    func corpusGetsSpecifiedErrors() async throws {
        let cluster = try await MeshCluster()
        let files = try JSONCorpus.files()
        #expect(files.count > 200)

        for process in Self.processes {
            let pid = try cluster.requirePID(process)
            let before = try ProcessStats.residentBytes(pid)
            let socket = cluster.home.socketPath(process)

            let problems = try await onOwnThread {
                var problems: [String] = []
                for _ in 0..<3 {
                    problems += try Self.sendCorpus(files, to: socket)
                }
                return problems
            }
            #expect(problems.isEmpty, "\(process): \(problems.prefix(20).joined(separator: "\n"))")

            let after = try ProcessStats.residentBytes(pid)
            #expect(after - before < Self.memoryGrowthBound, "\(process) grew from \(megabytes(before)) to \(megabytes(after))")
            #expect(try await cluster.ping(process) == "pong")
            #expect(cluster.pid(of: process) == pid, "\(process) was restarted: it must have died")
        }
    }

    /// Sends every file as one frame's payload on one connection and returns what was wrong.
    static func sendCorpus(_ files: [(name: String, bytes: [UInt8])], to path: String) throws -> [String] {
        var problems: [String] = []
        var socket = try WireSocket(path: path)

        for (name, bytes) in files {
            // A payload of no bytes cannot be sent, because a frame of length 0 is a framing error:
            // INVALID_REQUEST, then a closed connection (specification section 3).
            if bytes.isEmpty {
                let reply = try socket.call([])
                if reply.errorCode != -32600 || reply["id"] != .null {
                    problems.append("\(name): empty frame answered \(JSONWriter.string(reply))")
                }
                try socket.expectClosed()
                socket = try WireSocket(path: path)
                continue
            }

            let reply = try socket.call(bytes)
            let isParseError = reply.errorCode == -32700
            switch name.prefix(2) {
            case "n_" where !isParseError || reply["id"] != .null:
                problems.append("\(name): expected PARSE_ERROR with id null, got \(JSONWriter.string(reply).prefix(300))")
            case "y_" where isParseError:
                problems.append("\(name): well-formed JSON was answered \(reply.errorMessage)")
            case "y_" where !Self.isAnswerToWellFormedJSON(reply):
                problems.append("\(name): expected a response or INVALID_REQUEST, got \(JSONWriter.string(reply).prefix(300))")
            default:
                // i_ files may go either way; a reply arrived, so the process handled it.
                break
            }
        }
        return problems
    }

    /// Returns true for an INVALID_REQUEST or a result, or a batch reply of responses without PARSE_ERROR.
    static func isAnswerToWellFormedJSON(_ reply: JSONValue) -> Bool {
        if let members = reply.arrayValue {
            return !members.isEmpty && members.allSatisfy { $0["jsonrpc"] == "2.0" && $0.errorCode != -32700 }
        }
        return reply["jsonrpc"] == "2.0" && (reply["result"] != nil || reply.errorCode == -32600)
    }

    // MARK: Nesting

    @Test func deepNestingIsRejected() async throws {
        let cluster = try await MeshCluster()
        let opening = 100_000
        let hostile: [(String, [UInt8])] = [
            ("100,000 open brackets", Array(repeating: UInt8(ascii: "["), count: opening)),
            ("100,000 open objects", Array(String(repeating: #"{"a":"#, count: opening).utf8)),
            (
                "a request whose params open 100,000 objects",
                Array((#"{"jsonrpc":"2.0","id":1,"method":"rpc.ping","params":"# + String(repeating: #"{"a":"#, count: opening)).utf8)
            ),
            (
                "a batch member that opens 100,000 arrays",
                Array((#"[{"jsonrpc":"2.0","id":1,"method":"rpc.ping","params":{"a":"# + String(repeating: "[", count: opening)).utf8)
            ),
            ("513 levels, closed properly", Array(Self.nestedRequest(depth: 513).utf8)),
        ]

        for process in Self.processes {
            let pid = try cluster.requirePID(process)
            let socket = cluster.home.socketPath(process)
            let replies = try await onOwnThread {
                let connection = try WireSocket(path: socket)
                return try hostile.map { try connection.call($0.1) }
            }
            for (index, reply) in replies.enumerated() {
                #expect(reply.errorCode == -32700, "\(process), \(hostile[index].0): \(JSONWriter.string(reply))")
                #expect(reply["id"] == .null)
                #expect(reply.errorMessage.contains("nesting deeper than 512"), "\(process): \(reply.errorMessage)")
            }
            #expect(try await cluster.ping(process) == "pong")
            #expect(cluster.pid(of: process) == pid, "\(process) was restarted: it must have died")
        }

        // Exactly 512 levels is allowed (section 4.4). A service parses the ping and rejects its params
        // (rpc.ping takes none) instead of the JSON, and the gateway forwards a call that deep to
        // billing, which replies too.
        let rootKey = try cluster.rootKey
        let billingPath = cluster.home.socketPath("billing")
        let gatewayPath = cluster.gatewaySocket
        let (arrays, objects, forwarded) = try await onOwnThread {
            let billing = try WireSocket(path: billingPath)
            let gateway = try WireSocket(path: gatewayPath)
            return (
                try billing.call(Self.nestedRequest(depth: 512)),
                try billing.call(Self.nestedRequest(depth: 512, open: #"{"a":"#, close: "}")),
                try gateway.call(Self.nestedRequest(depth: 512, method: "billing.subscription", apiKey: rootKey))
            )
        }
        #expect(arrays["error"]?["data"]?["status"] == "INVALID_ARGUMENT", "\(JSONWriter.string(arrays))")
        #expect(objects["error"]?["data"]?["status"] == "INVALID_ARGUMENT", "\(JSONWriter.string(objects))")
        // Billing reads the call and rejects its params. What matters is that it replied at all.
        #expect(forwarded["id"] == 1, "\(JSONWriter.string(forwarded))")
        #expect(forwarded.errorCode != -32700, "\(JSONWriter.string(forwarded))")
        #expect(forwarded.errorStatus != "UNAVAILABLE", "\(JSONWriter.string(forwarded))")
        for process in ["gateway", "billing"] {
            #expect(try await cluster.ping(process) == "pong")
        }
    }

    /// Builds a request whose params nest `open` so that the whole payload is `depth` levels deep.
    static func nestedRequest(
        depth: Int,
        open: String = "[",
        close: String = "]",
        method: String = "rpc.ping",
        apiKey: String? = nil
    ) -> String {
        // The request object is level 1 and its params object level 2. The nesting makes up the rest.
        let levels = depth - 2
        let meta = apiKey.map { #","meta":{"api_key":"\#($0)"}"# } ?? ""
        return #"{"jsonrpc":"2.0","id":1,"method":"\#(method)"\#(meta),"params":{"company_id":"c_none","a":"#
            + String(repeating: open, count: levels) + (open == "[" ? "" : "1") + String(repeating: close, count: levels) + "}}"
    }

    // MARK: Values at the edges of JSON

    @Test func edgeValuesGetDocumentedOutcomes() async throws {
        let cluster = try await MeshCluster()
        let pid = try cluster.requirePID("gateway")
        let cases = Self.edgeCases()
        let path = cluster.gatewaySocket

        let replies = try await onOwnThread {
            let connection = try WireSocket(path: path)
            return try cases.map { try connection.call($0.payload) }
        }
        for (index, reply) in replies.enumerated() {
            let edge = cases[index]
            let shown = JSONWriter.string(reply)
            switch edge.outcome {
            case .parseError:
                #expect(reply.errorCode == -32700, "\(edge.name): \(shown)")
                #expect(reply["id"] == .null, "\(edge.name): \(shown)")
            case .invalidRequest(let field):
                #expect(reply.errorCode == -32600, "\(edge.name): \(shown)")
                #expect(reply["id"] == .null, "\(edge.name): \(shown)")
                if let field {
                    #expect(reply["error"]?["data"]?["details"]?["field"]?.stringValue == field, "\(edge.name): \(shown)")
                }
            case .parsed(let id, let method):
                // The gateway has no such method, so METHOD_NOT_FOUND proves the payload was read.
                #expect(reply.errorCode == -32601, "\(edge.name): \(shown)")
                #expect(reply["id"] == id, "\(edge.name): \(shown)")
                if let method {
                    #expect(reply["error"]?["data"]?["details"]?["method"]?.stringValue == method, "\(edge.name): \(shown)")
                }
            }
        }
        #expect(try await cluster.ping("gateway") == "pong")
        #expect(cluster.pid(of: "gateway") == pid)
    }

    struct EdgeCase: Sendable {
        enum Outcome: Sendable {
            case parseError
            /// INVALID_REQUEST with id null, naming `field` when given.
            case invalidRequest(field: String?)
            /// Read as JSON: the reply carries `id` and, when given, the method name as decoded.
            case parsed(id: JSONValue, method: String?)
        }

        let name: String
        let payload: [UInt8]
        let outcome: Outcome

        init(_ name: String, _ text: String, _ outcome: Outcome) {
            self.name = name
            self.payload = Array(text.utf8)
            self.outcome = outcome
        }

        init(_ name: String, bytes: [UInt8], _ outcome: Outcome) {
            self.name = name
            self.payload = bytes
            self.outcome = outcome
        }
    }

    /// Returns the cases of specification section 4 (numbers, strings, UTF-8, NaN, duplicate names).
    static func edgeCases() -> [EdgeCase] {
        let parsed = EdgeCase.Outcome.parsed(id: 1, method: nil)
        func request(params: String) -> String {
            #"{"jsonrpc":"2.0","id":1,"method":"nosuch.method","params":{"v":"# + params + "}}"
        }
        func request(id: String) -> String {
            #"{"jsonrpc":"2.0","id":"# + id + #","method":"nosuch.method"}"#
        }
        func stringWithBytes(_ bytes: [UInt8]) -> [UInt8] {
            Array(request(params: "\"").utf8.dropLast(2)) + bytes + Array("\"}}".utf8)
        }

        return [
            // 4.3 Numbers.
            EdgeCase("2^64 is a double, not an error", request(params: "18446744073709551616"), parsed),
            EdgeCase("below Int64.min is a double", request(params: "-9223372036854775809"), parsed),
            EdgeCase("a number beyond a double", request(params: "1e400"), .parseError),
            EdgeCase("a negative number beyond a double", request(params: "-1e400"), .parseError),
            EdgeCase("a number too small for a double becomes 0", request(params: "1e-400"), parsed),
            EdgeCase("Int64.max as id stays exact", request(id: "9223372036854775807"), .parsed(id: .int(.max), method: nil)),
            EdgeCase("Int64.min as id stays exact", request(id: "-9223372036854775808"), .parsed(id: .int(.min), method: nil)),
            EdgeCase("-0 as id is the integer 0", request(id: "-0"), .parsed(id: .int(0), method: nil)),
            EdgeCase("an id beyond Int64 is a double, so not an id", request(id: "9223372036854775808"), .invalidRequest(field: "id")),
            EdgeCase("1.0 is not an integer id", request(id: "1.0"), .invalidRequest(field: "id")),
            EdgeCase("a leading zero", request(params: "01"), .parseError),
            EdgeCase("a leading plus", request(params: "+1"), .parseError),
            EdgeCase("hexadecimal", request(params: "0x10"), .parseError),

            // 4.3 NaN and infinities are not JSON.
            EdgeCase("NaN", request(params: "NaN"), .parseError),
            EdgeCase("-NaN", request(params: "-NaN"), .parseError),
            EdgeCase("Infinity", request(params: "Infinity"), .parseError),
            EdgeCase("-Infinity", request(params: "-Infinity"), .parseError),

            // 4.2 Surrogates.
            EdgeCase("a lone high surrogate", request(params: #""\ud800""#), .parseError),
            EdgeCase("a lone low surrogate", request(params: #""\udc00""#), .parseError),
            EdgeCase("two high surrogates", request(params: #""\ud800\ud800""#), .parseError),
            EdgeCase("a pair in the wrong order", request(params: #""\udc00\ud800""#), .parseError),
            EdgeCase("a high surrogate then a letter", request(params: #""\ud800x""#), .parseError),
            EdgeCase(
                "a surrogate pair and U+0000 decode",
                #"{"jsonrpc":"2.0","id":1,"method":"x\u0000\ud83d\ude00"}"#,
                .parsed(id: 1, method: "x\u{0}\u{1F600}")
            ),

            // 4.1 Invalid UTF-8 inside a string.
            EdgeCase("an overlong encoding", bytes: stringWithBytes([0xC0, 0xAF]), .parseError),
            EdgeCase("a UTF-16 surrogate encoded directly", bytes: stringWithBytes([0xED, 0xA0, 0x80]), .parseError),
            EdgeCase("a code point above U+10FFFF", bytes: stringWithBytes([0xF4, 0x90, 0x80, 0x80]), .parseError),
            EdgeCase("a stray continuation byte", bytes: stringWithBytes([0x80]), .parseError),
            EdgeCase("a truncated sequence", bytes: stringWithBytes([0xE2, 0x82]), .parseError),
            EdgeCase("the byte FF", bytes: stringWithBytes([0xFF]), .parseError),
            EdgeCase("a byte-order mark", bytes: [0xEF, 0xBB, 0xBF] + Array(request(params: "1").utf8), .parseError),
            EdgeCase("valid multi-byte UTF-8", bytes: stringWithBytes(Array("é€😀".utf8)), parsed),

            // 4.5 Duplicate member names: INVALID_REQUEST with id null even when an id is visible.
            EdgeCase("a duplicate id", #"{"jsonrpc":"2.0","id":7,"id":8,"method":"nosuch.method"}"#, .invalidRequest(field: nil)),
            EdgeCase("a duplicate inside params", request(params: #"{"a":1,"a":2}"#), .invalidRequest(field: nil)),
            EdgeCase("a duplicate deep inside params", request(params: #"[{"b":{"c":1,"c":1}}]"#), .invalidRequest(field: nil)),
            EdgeCase(
                "a duplicate inside meta",
                #"{"jsonrpc":"2.0","id":1,"method":"nosuch.method","meta":{"trace_id":"a","trace_id":"b"}}"#,
                .invalidRequest(field: nil)
            ),
            EdgeCase("a duplicate written with an escape", request(params: #"{"a":1,"\u0061":2}"#), .invalidRequest(field: nil)),
            EdgeCase(
                "names that differ only in normalization",
                request(params: #"{"\u00e9":1,"e\u0301":2}"#),
                .invalidRequest(field: nil)
            ),
            EdgeCase(
                "a duplicate in one member of a batch rejects the whole batch",
                #"[{"jsonrpc":"2.0","id":1,"method":"rpc.ping"},{"jsonrpc":"2.0","id":2,"method":"rpc.ping","params":{"a":1,"a":1}}]"#,
                .invalidRequest(field: nil)
            ),
            EdgeCase("malformed and duplicated is a parse error", #"{"jsonrpc":"2.0","id":7,"id":8,"method":"x""#, .parseError),
        ]
    }
}
