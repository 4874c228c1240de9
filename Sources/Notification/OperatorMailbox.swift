import Glibc

/// The recipient of operator alerts: the address in `MESH_OPERATOR_EMAIL`, or `operator@localhost`.
public enum OperatorMailbox {
    public static let variable = "MESH_OPERATOR_EMAIL"
    public static let defaultAddress = "operator@localhost"

    /// Reads the operator's address from the environment.
    ///
    /// - Throws: INVALID_ARGUMENT naming the variable when it contains something that is not an address,
    ///   so the process fails to start instead of mailing alerts nowhere.
    public static func fromEnvironment() throws -> Mailbox {
        guard let raw = getenv(variable) else {
            return try Mailbox(name: "Operator", address: defaultAddress, field: variable)
        }
        let address = String(cString: raw)
        return try Mailbox(name: "Operator", address: address.isEmpty ? defaultAddress : address, field: variable)
    }
}
