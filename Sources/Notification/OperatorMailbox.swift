/// The recipient of operator alerts: the address in `MESH_OPERATOR_EMAIL`, or `operator@localhost`.
public enum OperatorMailbox {
    public static let variable = "MESH_OPERATOR_EMAIL"
    public static let defaultAddress = "operator@localhost"

    /// Reads the operator's address from `variables`, the process's environment when served.
    ///
    /// - Throws: INVALID_ARGUMENT naming the variable when it contains something that is not an address,
    ///   so the process fails to start instead of mailing alerts nowhere.
    public static func from(_ variables: [String: String]) throws -> Mailbox {
        let address = variables[variable] ?? ""
        return try Mailbox(name: "Operator", address: address.isEmpty ? defaultAddress : address, field: variable)
    }
}
