import Glibc
import MeshProtocol

/// Other local users the gateway accepts, from `MESH_TRUSTED_UIDS`.
///
/// Services accept only the mesh's own uid whatever the variable lists, because they believe the
/// `caller` member of a request, which the gateway sets after checking the API key.
public enum TrustedUIDs {
    public static let variable = "MESH_TRUSTED_UIDS"

    /// Returns the uids listed in `MESH_TRUSTED_UIDS` (comma-separated whole numbers), or none when it
    /// is unset or empty.
    ///
    /// - Throws: INVALID_ARGUMENT naming the entry that is not a uid.
    public static func parse(_ variables: [String: String]) throws(RPCError) -> Set<uid_t> {
        let text = variables[variable] ?? ""
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return []
        }

        var uids: Set<uid_t> = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            // uid_t's largest value is (uid_t)-1, which no account may have.
            guard trimmed.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let uid = UInt32(trimmed), uid < UInt32.max
            else {
                throw RPCError(
                    .invalidArgument,
                    "\(variable) is '\(text.prefix(200))', and '\(trimmed.prefix(40))' in it is not a uid; list whole "
                        + "numbers separated by commas (for example 1001,1002), or unset it",
                    details: ["field": .string(variable)]
                )
            }
            uids.insert(uid)
        }
        return uids
    }
}
