import Foundation
import MeshProtocol
import TenantModel

/// Applies a partial settings object to a company's settings, collecting every problem.
///
/// Only the members present change, and unknown members are invalid. `statuses`, `priorities` and
/// `types` are non-empty lists of names that differ even ignoring case. A workflow has at least two
/// statuses, and the last one is final. On a tier without custom statuses the list must be the fixed
/// one. `custom_fields` and `integrations` may be empty, but each entry must be valid and allowed by
/// the tier. `webhook_url` is a loopback URL, allowed only while a webhook integration is enabled (see
/// `SettingsPatch+Webhook.swift`). `branding` is Platinum only (see `SettingsPatch+Branding.swift`).
/// Nothing is applied unless there is no problem at all.
struct SettingsPatch {
    let tier: Tier
    private(set) var problems: [FieldProblem] = []
    /// Set when the patch requests more custom fields than the tier allows.
    var customFieldCap: CustomFieldCap?
    /// The statuses the patch leaves the company with. `apply` sets them even when other members have
    /// problems, and leaves nil when the patch's own `statuses` are invalid or the patch is not an object.
    private(set) var proposedStatuses: [String]?

    /// The largest settings this process takes, as JSON: `maximumBytes`, or less under a lowered
    /// frame limit.
    let maximumSettingsBytes: Int

    /// - Parameter eventPayloadBytes: the store's event limit (`Connection.maximumEventPayloadBytes`),
    ///   which follows the frame limit.
    init(tier: Tier, eventPayloadBytes: Int = .max) {
        self.tier = tier
        self.maximumSettingsBytes = Self.maximumBytes(eventPayloadBytes: eventPayloadBytes)
    }

    /// Returns the largest settings for a frame that fits `eventPayloadBytes` of event: 256 KB, or less
    /// so that settings taken twice still fit with room to spare. An audit entry has them before and
    /// after, and an export's first page in the company and on their own.
    static func maximumBytes(eventPayloadBytes: Int) -> Int {
        min(maximumBytes, (eventPayloadBytes - 8 * 1024) / 2)
    }

    /// Returns the patched settings, or nil when `problems` is not empty.
    mutating func apply(_ patch: JSONValue, to current: CompanySettings) -> CompanySettings? {
        guard let members = patch.objectValue else {
            report("settings", "must be an object of the members to change, not \(patch.brief)")
            return nil
        }
        if members.isEmpty {
            report("settings", "names no member to change; pass at least one of \(Self.memberNames)")
        }

        var next = current
        var statusesRejected = false
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            let field = "settings.\(name)"
            switch CompanySettings.CodingKeys(rawValue: name) {
            case .statuses?:
                let before = problems.count
                if let statuses = names(value, field: field, whenEmpty: Self.tooFewStatuses) {
                    checkStatuses(statuses, field: field)
                    next.statuses = statuses
                }
                statusesRejected = problems.count != before
            case .priorities?:
                next.priorities = names(value, field: field) ?? next.priorities
            case .types?:
                next.types = names(value, field: field) ?? next.types
            case .customFields?:
                next.customFields = customFields(value, field: field) ?? next.customFields
            case .integrations?:
                next.integrations = integrations(value, field: field) ?? next.integrations
            case .notifications?:
                next.notifications = notifications(value, field: field, current: current.notifications)
            case .webhookURL?:
                next.webhookURL = webhookURL(value, field: field) ?? next.webhookURL
            case .branding?:
                next.branding = branding(value, field: field) ?? next.branding
            case nil:
                report(field, "is not a setting; accepted: \(Self.memberNames)")
            }
        }

        if members["webhook_url"] != nil || members["integrations"] != nil {
            checkWebhookAllowed(next)
        }
        proposedStatuses = statusesRejected ? nil : next.statuses
        // The settings travel whole in the configure event and twice in its audit entry, so their size
        // is bounded whatever the tier allows.
        let size = JSONWriter.string(next.json).utf8.count
        if size > maximumSettingsBytes {
            let lowered =
                maximumSettingsBytes < Self.maximumBytes
                ? ", which the mesh's lowered MESH_MAX_FRAME_BYTES allows; raise it to allow up to \(Self.maximumBytes)"
                : ""
            report(
                "settings",
                "take \(size) bytes as JSON; keep them to at most \(maximumSettingsBytes)\(lowered) (fewer or shorter "
                    + "names, fewer custom fields or options)")
        }
        return problems.isEmpty ? next : nil
    }

    static let memberNames = CompanySettings.CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    mutating func report(_ field: String, _ problem: String) {
        problems.append(FieldProblem(field: field, problem: problem))
    }

    /// The largest settings, as JSON, whatever the tier.
    static let maximumBytes = 256 * 1024

    /// The maximum number of names in a list of statuses, types or priorities, or of a select field's
    /// options.
    static let maximumNames = 50

    /// The problem of a status list with fewer than two statuses.
    static let tooFewStatuses =
        "needs at least 2 statuses: one to start in and a final one (the last) that resolves an issue"

    /// Validates a non-empty list of at most `maximumNames` distinct one-line names of 1 to 50 characters.
    /// An empty list is reported with `whenEmpty`.
    private mutating func names(
        _ value: JSONValue, field: String, whenEmpty: String = "is empty; give at least one name"
    ) -> [String]? {
        guard let elements = value.arrayValue else {
            report(field, "must be a list of names, not \(value.brief)")
            return nil
        }
        if elements.isEmpty {
            report(field, whenEmpty)
            return nil
        }
        if elements.count > Self.maximumNames {
            report(field, "has \(elements.count) names; keep at most \(Self.maximumNames)")
            return nil
        }

        var result: [String] = []
        var seen: Set<String> = []
        let before = problems.count
        for (index, element) in elements.enumerated() {
            let elementField = "\(field)[\(index)]"
            guard let text = element.stringValue else {
                report(elementField, "must be a string, not \(element.brief)")
                continue
            }
            let name = InputCheck.trimmed(text)
            if name.isEmpty || name.unicodeScalars.count > 50 {
                report(elementField, "must have 1 to 50 characters besides spaces")
                continue
            }
            if let control = InputCheck.controlCharacter(in: name) {
                report(elementField, "contains \(control); use one line of visible text")
                continue
            }
            if !seen.insert(name.caseFolded).inserted {
                report(elementField, "repeats '\(name)' (ignoring case); keep one")
                continue
            }
            result.append(name)
        }
        return problems.count == before ? result : nil
    }

    private mutating func checkStatuses(_ statuses: [String], field: String) {
        if statuses.count < 2 {
            report(field, Self.tooFewStatuses)
        }
        if !tier.allowsCustomStatuses && statuses != CompanySettings.basicStatuses {
            let fixed = CompanySettings.basicStatuses.joined(separator: ", ")
            report(
                field,
                "cannot change on the \(tier.displayName) tier, which keeps the statuses \(fixed); upgrade to Premium for a custom workflow"
            )
        }
    }

    private mutating func integrations(_ value: JSONValue, field: String) -> [String]? {
        guard let elements = value.arrayValue else {
            report(field, "must be a list of integration names, not \(value.brief)")
            return nil
        }

        let known = Integration.allCases.map(\.rawValue).joined(separator: ", ")
        let allowed = tier.allowedIntegrations.map(\.rawValue).sorted().joined(separator: ", ")
        var result: [String] = []
        let before = problems.count
        for (index, element) in elements.enumerated() {
            let elementField = "\(field)[\(index)]"
            guard let name = element.stringValue else {
                report(elementField, "must be a string, not \(element.brief)")
                continue
            }
            guard let integration = Integration(rawValue: name.lowercased()) else {
                report(elementField, "names '\(name)', which is not an integration; known: \(known)")
                continue
            }
            if result.contains(integration.rawValue) {
                report(elementField, "repeats '\(name)'; keep one")
                continue
            }
            // NOTE: sso only records that the company wants single sign-on. The mesh has no identity
            // provider and authenticates with API keys alone, so enabling it changes no login.
            if !tier.allowedIntegrations.contains(integration) {
                report(
                    elementField,
                    "names '\(integration.rawValue)', which the \(tier.displayName) tier does not include (allowed: \(allowed)); upgrade to use it"
                )
                continue
            }
            result.append(integration.rawValue)
        }
        return problems.count == before ? result : nil
    }

    private mutating func notifications(
        _ value: JSONValue,
        field: String,
        current: CompanySettings.Notifications
    ) -> CompanySettings.Notifications {
        guard let members = value.objectValue else {
            report(field, "must be an object such as {\"email\": true}, not \(value.brief)")
            return current
        }

        var next = current
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            guard name == "email" else {
                report("\(field).\(name)", "is not a notification setting; accepted: email")
                continue
            }
            guard let flag = member.boolValue else {
                report("\(field).email", "must be true or false, not \(member.brief)")
                continue
            }
            next.email = flag
        }
        return next
    }
}
