import MeshProtocol
import TenantModel

extension SettingsPatch {
    /// The hosts a webhook URL may name: webhooks never leave this machine.
    static let webhookHosts: Set<String> = ["127.0.0.1", "localhost"]

    /// The integrations that post to `webhook_url`.
    static let webhookIntegrations: Set<Integration> = [.slackWebhook, .webhook]

    /// Validates a `webhook_url` value: a loopback URL, or null to remove it.
    ///
    /// - Returns: `.some(url)` or `.some(nil)` (removal) when valid, nil after reporting a problem.
    mutating func webhookURL(_ value: JSONValue, field: String) -> String?? {
        if value.isNull {
            return .some(nil)
        }
        guard let text = value.stringValue else {
            report(
                field,
                "must be a URL string such as http://127.0.0.1:8080/hooks, or null to remove it, not \(value.brief)")
            return nil
        }
        if let problem = Self.webhookURLProblem(text) {
            // A problem that shows an example already needs no second one.
            let advice =
                problem.contains("for example") ? "" : "; use http://127.0.0.1:PORT/path or http://localhost:PORT/path"
            report(field, problem + advice)
            return nil
        }
        return .some(text)
    }

    /// Checks that the patched settings may carry their `webhook_url`: the tier must allow a webhook
    /// integration, and `slack_webhook` or `webhook` must be enabled. Skipped when the URL already has
    /// a problem of its own. The second check is also skipped when `integrations` has one, so that one
    /// mistake is not reported twice. The tier's refusal is reported beside such a problem, because
    /// fixing the list does not fix the URL.
    mutating func checkWebhookAllowed(_ settings: CompanySettings) {
        let field = "settings.webhook_url"
        guard let url = settings.webhookURL, !problems.contains(where: { $0.field.hasPrefix(field) }) else {
            return
        }

        if tier.allowedIntegrations.isDisjoint(with: Self.webhookIntegrations) {
            report(
                field,
                "is set, but the \(tier.displayName) tier has no webhook integrations (slack_webhook, webhook); upgrade to Premium or remove webhook_url"
            )
            return
        }
        if problems.contains(where: { $0.field.hasPrefix("settings.integrations") }) {
            return
        }
        let enabled = Set(settings.integrations.compactMap(Integration.init(rawValue:)))
        if enabled.isDisjoint(with: Self.webhookIntegrations) {
            report(
                field,
                "is '\(url.prefix(100))', but settings.integrations enables neither slack_webhook nor webhook; enable one of them in the same call, or pass webhook_url null to remove it"
            )
        }
    }

    /// Returns what is wrong with `text` as a webhook URL, or nil when it is
    /// `http://<127.0.0.1 or localhost>:<port>/<path>`.
    static func webhookURLProblem(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.count <= 2048, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            return "must be 1 to 2048 printable ASCII characters without spaces"
        }
        guard text.lowercased().hasPrefix("http://") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
            return "uses scheme '\(scheme.prefix(20))'; only http:// is accepted, because webhooks stay on this machine"
        }

        let rest = text.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let target = rest[authorityEnd...]
        guard !authority.contains("@") else {
            return "must not carry a user name or password"
        }

        if authority.hasPrefix("[") {
            let literal = authority.prefix { $0 != "]" } + "]"
            return "points at the IPv6 address \(literal.prefix(100)); webhooks go to 127.0.0.1 or localhost only"
        }
        let hostAndPort = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = String(hostAndPort[0]).lowercased()
        guard webhookHosts.contains(host) else {
            return
                "points at host '\(host.prefix(100))', which is not this machine's loopback"
        }
        guard hostAndPort.count == 2, !hostAndPort[1].isEmpty else {
            return "has no port; write the port after the host, for example http://127.0.0.1:8080/hooks"
        }
        guard hostAndPort[1].allSatisfy(\.isASCII), hostAndPort[1].allSatisfy(\.isNumber),
            let port = Int(hostAndPort[1]), (1...65_535).contains(port)
        else {
            return "has port '\(hostAndPort[1].prefix(20))', which is not a number from 1 to 65535"
        }
        guard target.hasPrefix("/") else {
            return "has no path; add one after the port, for example http://127.0.0.1:\(port)/hooks"
        }
        return nil
    }
}
