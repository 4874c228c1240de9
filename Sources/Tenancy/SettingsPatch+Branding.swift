import MeshProtocol
import TenantModel

extension SettingsPatch {
    typealias Branding = CompanySettings.Branding

    /// Validates a `branding` value: `{"display_name": ..., "footer": ...}`, or null to remove it.
    ///
    /// Branding is white-label, so only a tier with `hasWhiteLabel` may set it, while any tier may remove
    /// it. The display name is one line of visible text. The footer may hold line breaks but no other
    /// control character. Both are trimmed.
    ///
    /// - Returns: `.some(branding)` or `.some(nil)` (removal) when valid, nil after reporting a problem.
    mutating func branding(_ value: JSONValue, field: String) -> Branding?? {
        if value.isNull {
            return .some(nil)
        }
        guard let members = value.objectValue else {
            report(
                field,
                "must be an object such as {\"display_name\": \"Acme Support\", \"footer\": \"Acme Inc.\"}, or null to remove it, not \(value.brief)"
            )
            return nil
        }

        let before = problems.count
        if !tier.hasWhiteLabel {
            let tiers = Tier.allCases.filter(\.hasWhiteLabel).map(\.displayName).joined(separator: ", ")
            report(
                field,
                "is not available on the \(tier.displayName) tier (white-label branding is only on \(tiers)); upgrade to use it"
            )
        }
        let accepted = Branding.CodingKeys.allCases.map(\.rawValue)
        for name in members.keys.sorted() where !accepted.contains(name) {
            report("\(field).\(name)", "is not a branding setting; accepted: \(accepted.joined(separator: ", "))")
        }

        let displayName = brandingDisplayName(members[Branding.CodingKeys.displayName.rawValue], field: field)
        let footer = brandingFooter(members[Branding.CodingKeys.footer.rawValue], field: field)
        guard problems.count == before, let displayName else {
            return nil
        }
        return .some(Branding(displayName: displayName, footer: footer))
    }

    /// Returns the trimmed display name, or nil after reporting a problem.
    private mutating func brandingDisplayName(_ value: JSONValue?, field: String) -> String? {
        let field = "\(field).display_name"
        let lengths = Branding.displayNameLengths
        guard let value else {
            report(
                field,
                "is missing; give the name the company's emails come from, \(lengths.lowerBound) to \(lengths.upperBound) characters"
            )
            return nil
        }
        guard let text = value.stringValue else {
            report(
                field,
                "must be a string of \(lengths.lowerBound) to \(lengths.upperBound) characters, not \(value.brief)")
            return nil
        }

        let name = InputCheck.trimmed(text)
        guard lengths.contains(name.unicodeScalars.count) else {
            report(
                field,
                "has \(name.unicodeScalars.count) characters besides spaces; give \(lengths.lowerBound) to \(lengths.upperBound)"
            )
            return nil
        }
        if let code = InputCheck.controlCharacter(in: name) {
            report(field, "contains \(code); use one line of visible text")
            return nil
        }
        // Mail from a company must not pass for mail from the platform, which sends every company's.
        if PlatformName.appears(in: name) {
            report(
                field,
                "names the platform, TenantMesh; use the company's own name, so mail cannot pass for the platform's")
            return nil
        }
        return name
    }

    /// Returns the trimmed footer, nil when absent or null, or nil after reporting a problem.
    private mutating func brandingFooter(_ value: JSONValue?, field: String) -> String? {
        let field = "\(field).footer"
        let maximum = Branding.maximumFooterLength
        guard let value, !value.isNull else {
            return nil
        }
        guard let text = value.stringValue else {
            report(
                field,
                "must be a string of up to \(maximum) characters, or null for the default sign-off, not \(value.brief)"
            )
            return nil
        }

        let footer = InputCheck.trimmed(text)
        if footer.isEmpty {
            report(field, "is empty; leave footer out, or pass null, to keep the default sign-off")
        } else if footer.unicodeScalars.count > maximum {
            report(field, "has \(footer.unicodeScalars.count) characters; shorten it to at most \(maximum)")
        } else if let code = InputCheck.controlCharacter(in: footer, allowingLineBreaks: true) {
            report(field, "contains \(code); only line breaks are allowed")
        } else if PlatformName.appears(in: footer) {
            // A sign-off that names the platform would make the company's mail pass for the platform's.
            report(field, "names the platform, TenantMesh; sign with the company's own name")
        } else {
            return footer
        }
        return nil
    }
}
