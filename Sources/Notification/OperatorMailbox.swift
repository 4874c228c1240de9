import MeshProtocol

/// The recipient of operator alerts: the address in `MESH_OPERATOR_EMAIL`, or `operator@localhost`.
public enum OperatorMailbox {
    public static let variable = "MESH_OPERATOR_EMAIL"
    public static let defaultAddress = "operator@localhost"

    /// Reads the operator's address from `variables`, the process's environment when served.
    ///
    /// - Throws: INVALID_ARGUMENT naming the variable and repeating its value (clipped), when it contains
    ///   something that is not an address, so the process fails to start instead of mailing alerts
    ///   nowhere. The operator set that value, so unlike an address in an event it may be repeated.
    public static func from(_ variables: [String: String]) throws(RPCError) -> Mailbox {
        let address = variables[variable] ?? ""
        if address.isEmpty {
            return Mailbox(trustedName: "Operator", trustedAddress: defaultAddress)
        }
        if let problem = Mailbox.problem(address) {
            throw RPCError.invalidArgument(
                field: variable,
                "\(variable) is '\(address.debugDescription.dropFirst().dropLast().description.clipped)', which "
                    + "\(problem); set a plain ASCII address such as ops@example.com, or unset it to mail "
                    + "\(defaultAddress)"
            )
        }
        return try Mailbox(name: "Operator", address: address, field: variable)
    }
}
