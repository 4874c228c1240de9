/// One thing wrong with a settings change: which member, and what to do about it.
struct SettingsProblem: Codable, Sendable, Hashable {
    /// A path such as `settings.statuses[2]`.
    var field: String
    var problem: String
}
