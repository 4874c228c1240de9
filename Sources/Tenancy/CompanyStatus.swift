import MeshRuntime

/// The lifecycle state of a company.
public enum CompanyStatus: String, Codable, Sendable, CaseIterable, JSONSchemaProviding {
    case active
    /// Its data stays, but its users are refused on every call until it is reactivated.
    case suspended
    /// Gone for every caller: each method on it returns NOT_FOUND.
    case deleted
}
