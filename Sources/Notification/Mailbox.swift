import MeshProtocol

/// A display name and an address, as in `"Ada Lovelace" <ada@example.com>`.
public struct Mailbox: Sendable, Hashable {
    public let name: String
    public let address: String

    /// Checks that `address` is a plain ASCII `local@domain` that cannot break out of a header.
    ///
    /// - Parameter field: the event member the address came from, named in the error. The error does
    ///   not repeat the address, which is personal data.
    /// - Throws: INVALID_ARGUMENT saying what is wrong with the address.
    public init(name: String, address: String, field: String = "email") throws(RPCError) {
        if let problem = Mailbox.problem(address) {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) \(problem); mail needs a plain ASCII address of the form name@example.com"
            )
        }
        self.name = name
        self.address = address
    }

    init(trustedName name: String, trustedAddress address: String) {
        self.name = name
        self.address = address
    }

    /// The sender of every message.
    public static let sender = Mailbox(trustedName: "TenantMesh", trustedAddress: "no-reply@tenantmesh.invalid")

    /// Returns what keeps `address` out of a header, or nil when it is valid.
    static func problem(_ address: String) -> String? {
        let bytes = Array(address.utf8)
        guard !bytes.isEmpty else {
            return "is empty"
        }
        guard bytes.count <= 254 else {
            return "is longer than 254 characters"
        }
        let forbidden = Set("<>()[],;:\\\"".utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && !forbidden.contains($0) }) else {
            return "contains a space, a control or non-ASCII character, or one of <>()[],;:\\\""
        }

        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else {
            return "is not of the form name@domain"
        }
        // SMTP relays refuse these, so the message would go dead instead of the mistake showing here.
        guard !address.contains(".."), !parts[0].hasPrefix("."), !parts[0].hasSuffix(".") else {
            return "has two dots in a row, or a dot at the start or end of the name"
        }
        return nil
    }
}
