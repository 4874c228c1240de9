import MeshProtocol

extension SettingsPatch {
    /// Checks the `status_moves` param of `companies.configure` and returns its moves, each key in the
    /// current spelling and each target in the new list's spelling, reporting every problem found.
    ///
    /// A key must be a current status that the new list drops, and its value a status of the new list,
    /// both matched ignoring case. Every dropped status that live issues use needs a move. `new` is nil
    /// when the patch's own statuses are invalid: those problems are reported already, and only the
    /// checks that need no new list run. `inUse` counts the live issues per status.
    mutating func statusMoves(
        _ value: JSONValue,
        from old: Workflow,
        to new: Workflow?,
        inUse: [String: Int]
    ) -> [String: String] {
        let field = "status_moves"
        guard let members = value.objectValue else {
            report(
                field,
                "must be an object mapping each dropped status to a status of the new list, such as {\"Done\": \"Closed\"}, not \(value.brief)"
            )
            return [:]
        }

        let removed = new.map { Set(old.statuses).subtracting($0.statuses) }
        var named: Set<String> = []
        var moves: [String: String] = [:]
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            let memberField = "\(field).\(key)"
            guard let source = old.canonical(InputCheck.trimmed(key)) else {
                report(
                    memberField,
                    "names '\(key)', which is not a current status; a key is a status that settings.statuses drops, one of \(Workflow.listed(old.statuses))"
                )
                continue
            }
            guard named.insert(source).inserted else {
                report(memberField, "names the status '\(source)' again (ignoring case); give one move for it")
                continue
            }
            guard let name = member.stringValue else {
                report(memberField, "must be the name of a status of the new list, not \(member.brief)")
                continue
            }
            guard let new, let removed else {
                continue
            }
            guard removed.contains(source) else {
                report(
                    memberField,
                    "moves '\(source)', which stays in the statuses, so its issues keep it; a move is only for a status that settings.statuses drops"
                )
                continue
            }
            guard let target = new.canonical(InputCheck.trimmed(name)) else {
                report(
                    memberField,
                    "names '\(name)', which is not in the new statuses; move '\(source)' to one of \(Workflow.listed(new.statuses))"
                )
                continue
            }
            moves[source] = target
        }

        guard let new, let removed else {
            return moves
        }
        for source in removed.subtracting(named).sorted() {
            guard let count = inUse[source], count > 0 else {
                continue
            }
            let target = StatusMoves.suggestedTarget(for: source, from: old.statuses, to: new.statuses)
            report(
                "\(field).\(source)",
                "is missing: \(StatusMoves.issueCount(count)) in '\(source)', which the new statuses drop; add \"\(source)\": \"\(target)\" or another status of the new list"
            )
        }
        return moves
    }
}
