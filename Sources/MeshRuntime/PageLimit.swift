import MeshProtocol

/// The `limit` and `cursor` params of the methods that list in pages.
public enum PageLimit {
    /// Returns the page size `value` of param `field`, or `defaultLimit` when absent. Values outside
    /// minimum...maximum are invalid.
    public static func check(
        _ value: Int?, defaultLimit: Int = 50, maximum: Int = 200, minimum: Int = 1, field: String = "limit"
    ) throws(RPCError) -> Int {
        guard let value else {
            return defaultLimit
        }
        guard (minimum...maximum).contains(value) else {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) \(value) is out of range; pass \(minimum) to \(maximum), or omit it for \(defaultLimit)")
        }
        return value
    }
}
