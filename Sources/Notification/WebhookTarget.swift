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

    /// Parses and checks `text`.
    ///
    /// - Parameter field: where the URL came from, named in the error.
    /// - Throws: INVALID_ARGUMENT naming the problem and the accepted form.
    public static func parse(_ text: String, field: String = "webhook_url") throws(RPCError) -> WebhookTarget {
        let accepted = "use http://127.0.0.1:PORT/path or http://localhost:PORT/path; webhooks stay on this machine"
        func reject(_ problem: String) -> RPCError {
            RPCError.invalidArgument(field: field, "\(field) \(problem); \(accepted)")
        }

        let afterScheme = try LoopbackURL.afterScheme(text, scheme: "http", maximumLength: 2048, reject: reject)
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var target = String(afterScheme[authorityEnd...])
        if let fragment = target.firstIndex(of: "#") {
            target = String(target[..<fragment])
        }
        if target.isEmpty || target.hasPrefix("?") {
            target = "/" + target
        }

        let (host, port) = try LoopbackURL.hostAndPort(authority, defaultPort: 80, reject: reject)

        return WebhookTarget(
            url: text,
            address: "127.0.0.1",
            hostHeader: host + ":" + String(port),
            port: port,
            requestTarget: target
        )
    }
}
