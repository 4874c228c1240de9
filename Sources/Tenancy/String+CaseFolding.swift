import Foundation

extension String {
    /// The text with case folded the Unicode way, for names compared ignoring case: final and medial
    /// sigma match, `ß` matches `ss`, and ligatures such as `ﬁ` match their letters, which `lowercased()`
    /// does not do. Compare the results with `==`, which treats canonically equivalent spellings as equal.
    var caseFolded: String {
        // For ASCII text folding is lowercasing. The standard library does that without Foundation's
        // string bridging and Unicode tables, which cost time on every call and memory in every process.
        if utf8.allSatisfy({ $0 < 0x80 }) {
            return lowercased()
        }
        return folding(options: [.caseInsensitive], locale: nil)
    }
}
