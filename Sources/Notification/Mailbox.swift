import MeshProtocol

/// A display name and an address, as in `"Ada Lovelace" <ada@example.com>`.
public struct Mailbox: Sendable, Hashable {
    public let name: String
    public let address: String

    /// Checks that `address` is a plain ASCII `local@domain` that cannot break out of a header.
    ///
    /// - Parameter field: the event member the address came from, named in the error.
    /// - Throws: INVALID_ARGUMENT when the address is empty, not ASCII, holds spaces, control characters
    ///   or any of `<>()[],;:\"`, or lacks a local part or a domain.
    public init(name: String, address: String, field: String = "email") throws(RPCError) {
        guard Mailbox.isDeliverable(address) else {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) '\(Mailbox.printable(address))' is not an address mail can go to; "
                    + "use a plain ASCII address of the form name@example.com"
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

    static func isDeliverable(_ address: String) -> Bool {
        let forbidden = Set("<>()[],;:\\\"".utf8)
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && !forbidden.contains($0) }) else {
            return false
        }

        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            return false
        }
        return !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    }

    /// The address with control characters replaced, safe to quote in an error message.
    private static func printable(_ text: String) -> String {
        String(text.prefix(100).map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true ? "?" : $0 })
    }
}
