import MeshProtocol

/// The problems of several param checks of one call, so that one INVALID_ARGUMENT lists them all and the
/// caller fixes them in one go.
struct ParamProblems {
    private var errors: [RPCError] = []

    /// Runs `check` and returns its value, or records its error and returns nil.
    mutating func check<T>(_ check: () throws -> T) -> T? {
        do {
            return try check()
        } catch {
            errors.append(error as? RPCError ?? RPCError(.invalidArgument, "\(error)"))
            return nil
        }
    }

    /// Returns one problem as it is, and several as one error of `method` whose message lists them all,
    /// with each in `details.problems` and the first field in `details.field`.
    func combined(method: String) -> RPCError {
        guard errors.count > 1 else {
            return errors.first ?? RPCError(.invalidArgument, "\(method) params are not valid")
        }
        let listed = errors.map {
            FieldProblem(field: $0.details?["field"]?.stringValue ?? "params", problem: $0.message)
        }
        return RPCError(
            .invalidArgument,
            "\(method) has \(errors.count) problems: " + errors.map(\.message).joined(separator: "; "),
            details: [
                "field": .string(listed.first?.field ?? "params"),
                "problems": (try? JSONValue(encoding: listed)) ?? .null,
            ]
        )
    }
}
