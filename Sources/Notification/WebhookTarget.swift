import MeshProtocol

/// A webhook URL that points at this machine: `http://127.0.0.1:PORT/path` or `http://localhost:PORT/path`.
///
/// Traffic stays on this machine, so every other host is rejected, as are `https` (no TLS on loopback),
/// user names in the URL, and characters that could end the HTTP request line early.
public struct WebhookTarget: Sendable, Hashable {
    public let url: String
    /// Always `127.0.0.1`: `localhost` is connected to over IPv4 loopback without a name lookup.
    public let address: String
    /// The `Host` header: the host as written, plus the port.
    public let hostHeader: String
    public let port: UInt16
    /// The path and query sent in the request line; `/` when the URL has none.
    public let requestTarget: String

    public static let allowedHosts: Set<String> = ["127.0.0.1", "localhost"]

    /// Parses and checks `text`.
    ///
    /// - Parameter field: where the URL came from, named in the error.
    /// - Throws: INVALID_ARGUMENT naming the problem and the accepted form.
    public static func parse(_ text: String, field: String = "webhook_url") throws(RPCError) -> WebhookTarget {
        let accepted = "use http://127.0.0.1:PORT/path or http://localhost:PORT/path; webhooks stay on this machine"
        func reject(_ problem: String) -> RPCError {
            RPCError.invalidArgument(field: field, "\(field) \(problem); \(accepted)")
        }

        guard text.utf8.count <= 2048, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw reject("must be at most 2048 printable ASCII characters without spaces")
        }
        guard text.lowercased().hasPrefix("http://") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
            throw reject("uses scheme '\(scheme.prefix(20))', not http")
        }

        let afterScheme = text.dropFirst("http://".count)
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var target = String(afterScheme[authorityEnd...])
        if let fragment = target.firstIndex(of: "#") {
            target = String(target[..<fragment])
        }
        if target.isEmpty || target.hasPrefix("?") {
            target = "/" + target
        }

        guard !authority.contains("@") else {
            throw reject("must not carry a user name or password")
        }
        let hostAndPort = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = String(hostAndPort[0]).lowercased()
        guard allowedHosts.contains(host) else {
            throw reject("points at host '\(host.prefix(100))', which is not this machine's loopback")
        }

        var port: UInt16 = 80
        if hostAndPort.count == 2 {
            guard let number = UInt16(hostAndPort[1]), number > 0 else {
                throw reject("has invalid port '\(hostAndPort[1].prefix(20))' (expected 1 to 65535)")
            }
            port = number
        }

        return WebhookTarget(
            url: text,
            address: "127.0.0.1",
            hostHeader: host + ":" + String(port),
            port: port,
            requestTarget: target
        )
    }
}
