/// One thing wrong with a request, among several reported at once: which member, and what to do about it.
struct FieldProblem: Codable, Sendable, Hashable {
    /// A path such as `settings.statuses[2]` or `admin_email`.
    var field: String
    var problem: String
}
