/// Finds the name that a mistyped one most likely meant, for "did you mean" hints in errors.
public enum NameSuggestion {
    /// Names longer than this are not compared, which bounds the work a long name can cost.
    static let maximumLength = 100

    /// Returns the candidate closest to `name` by edit distance (ignoring letter case), when it is close
    /// enough to be a typo: at most 2 edits, and at most a third of `name`'s length. A name of 3 or more
    /// characters that only one candidate starts with, or has as one of its `_` parts, is taken as cut
    /// short. Returns nil when no candidate is that close, or when two are equally close.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let candidates = Array(candidates)
        let typed = Array(name.lowercased())
        guard !typed.isEmpty, typed.count <= maximumLength else {
            return nil
        }
        let allowed = min(2, typed.count / 3)
        guard allowed > 0 else {
            return nil
        }

        // A name cut short ("crash" for "crashes") is a typo too, when only one candidate starts with it.
        if typed.count >= 3 {
            let extended = candidates.filter { $0.count > typed.count && $0.lowercased().hasPrefix(String(typed)) }
            if extended.count == 1 {
                return extended[0]
            }
            // So is a name missing a part ("status" for "to_status"), when only one candidate has that part.
            let containing = candidates.filter { candidate in
                candidate.lowercased().split(separator: "_").contains { $0 == String(typed) }
            }
            if containing.count == 1, containing[0].lowercased() != String(typed) {
                return containing[0]
            }
        }

        var best: (name: String, distance: Int)?
        var tied = false
        for candidate in candidates where candidate != name {
            let other = Array(candidate.lowercased())
            guard abs(other.count - typed.count) <= allowed, other.count <= maximumLength else {
                continue
            }
            let distance = editDistance(typed, other)
            guard distance <= allowed else {
                continue
            }
            if let current = best, current.distance <= distance {
                tied = tied || current.distance == distance
                continue
            }
            best = (candidate, distance)
            tied = false
        }
        return tied ? nil : best?.name
    }

    /// Returns " (did you mean X?)" for the closest candidate, or an empty string when none is close.
    public static func hint(for name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { " (did you mean \($0)?)" } ?? ""
    }

    /// Counts the edits that turn `first` into `second`: inserting, deleting or replacing a character,
    /// or swapping two neighbours, a common typo ("txet" for "text").
    static func editDistance(_ first: [Character], _ second: [Character]) -> Int {
        var beforePrevious = [Int](repeating: 0, count: second.count + 1)
        var previous = Array(0...second.count)
        var current = [Int](repeating: 0, count: second.count + 1)
        for row in first.indices {
            current[0] = row + 1
            for column in second.indices {
                let substitution = previous[column] + (first[row] == second[column] ? 0 : 1)
                var best = min(substitution, previous[column + 1] + 1, current[column] + 1)
                if row > 0, column > 0, first[row] == second[column - 1], first[row - 1] == second[column] {
                    best = min(best, beforePrevious[column - 1] + 1)
                }
                current[column + 1] = best
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[second.count]
    }
}
