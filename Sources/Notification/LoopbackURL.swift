import MeshProtocol

/// The checks shared by the URLs notification connects to, which must all point at this machine.
enum LoopbackURL {
    /// The host names accepted; both are reached at 127.0.0.1.
    static let allowedHosts: Set<String> = ["127.0.0.1", "localhost"]

    /// Returns what follows `scheme://` in `text`, after checking its length, its characters and its scheme.
    static func afterScheme(
        _ text: String,
        scheme: String,
        maximumLength: Int,
        reject: (String) -> RPCError
    ) throws(RPCError) -> Substring {
        guard text.utf8.count <= maximumLength, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw reject("must be at most \(maximumLength) printable ASCII characters without spaces")
        }

        let prefix = scheme + "://"
        guard text.lowercased().hasPrefix(prefix) else {
            let found = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
            throw reject("uses scheme '\(found.prefix(20))', not \(scheme)")
        }
        return text.dropFirst(prefix.count)
    }

    /// Splits `authority` (`host[:port]`) after checking that it names a loopback host and no user.
    static func hostAndPort(
        _ authority: Substring,
        defaultPort: UInt16,
        reject: (String) -> RPCError
    ) throws(RPCError) -> (host: String, port: UInt16) {
        guard !authority.contains("@") else {
            throw reject("must not carry a user name or password")
        }

        guard !authority.hasPrefix("[") else {
            throw reject("names an IPv6 address, which is not accepted")
        }

        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = String(parts[0]).lowercased()
        guard allowedHosts.contains(host) else {
            throw reject("points at host '\(host.prefix(100))', which is not this machine's loopback")
        }

        guard parts.count == 2 else {
            return (host, defaultPort)
        }
        guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(parts[1]), port > 0 else {
            throw reject("has invalid port '\(parts[1].prefix(20))' (expected 1 to 65535)")
        }
        return (host, port)
    }
}
