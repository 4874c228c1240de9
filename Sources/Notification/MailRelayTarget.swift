import MeshProtocol

/// The SMTP relay emails go through when one is configured: `smtp://127.0.0.1:PORT` or
/// `smtp://localhost:PORT`, read from `MESH_SMTP_URL`.
///
/// Traffic stays on this machine, so every other host is rejected, as are user names, paths and
/// `smtps` (no TLS on loopback). Without a relay, emails are only written to the outbox folder.
struct MailRelayTarget: Sendable, Hashable {
    static let variable = "MESH_SMTP_URL"

    /// The URL as configured.
    let url: String
    let port: UInt16

    /// The URL libcurl connects to: always 127.0.0.1, so `localhost` needs no name lookup.
    var connectURL: String {
        "smtp://127.0.0.1:\(port)"
    }

    /// Reads the relay from `variables`; nil when `MESH_SMTP_URL` is unset or empty.
    ///
    /// - Throws: INVALID_ARGUMENT naming the variable and the accepted form, so the process fails to
    ///   start instead of leaving its mail unrelayed.
    static func from(_ variables: [String: String]) throws(RPCError) -> MailRelayTarget? {
        guard let text = variables[variable], !text.isEmpty else {
            return nil
        }
        return try parse(text)
    }

    static func parse(_ text: String, field: String = variable) throws(RPCError) -> MailRelayTarget {
        func reject(_ problem: String) -> RPCError {
            RPCError.invalidArgument(
                field: field,
                "\(field) \(problem); use smtp://127.0.0.1:PORT or smtp://localhost:PORT, a relay on this machine"
            )
        }

        var authority = try LoopbackURL.afterScheme(text, scheme: "smtp", maximumLength: 256, reject: reject)
        if authority.hasSuffix("/") {
            authority = authority.dropLast()
        }
        guard !authority.contains("/"), !authority.contains("?"), !authority.contains("#") else {
            throw reject("must not have a path, a query or a fragment")
        }
        let (_, port) = try LoopbackURL.hostAndPort(authority, defaultPort: 25, reject: reject)
        return MailRelayTarget(url: text, port: port)
    }
}
