extension CompanySettings {
    /// White-label branding, on Platinum only: the name the company's emails come from, and the text that
    /// replaces TenantMesh's sign-off at their end. The sender address stays the mesh's own.
    public struct Branding: Codable, Sendable, Hashable {
        /// One line of 1 to 60 visible characters, the display name of the emails' `From`.
        public var displayName: String
        /// Up to 500 characters, line breaks allowed. Nil keeps the default sign-off.
        public var footer: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case displayName = "display_name"
            case footer
        }

        public init(displayName: String, footer: String? = nil) {
            self.displayName = displayName
            self.footer = footer
        }

        /// Length limits, in characters after trimming.
        static let displayNameLengths = 1...60
        static let maximumFooterLength = 500
    }
}
