import MeshClient

/// A company set up before the crash test's load starts, with a client holding its owner's API key.
///
/// The writers invite users into these companies and create issues in them, so those calls go
/// through the gateway's key check as well as tenancy.
struct CrashTestTenant: Sendable {
    let companyID: String
    let name: String
    let ownerEmail: String
    let owner: MeshClient
}
