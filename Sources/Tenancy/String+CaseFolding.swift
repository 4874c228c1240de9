import Foundation

extension String {
    /// The text with case folded the Unicode way, for names compared ignoring case: final and medial
    /// sigma match, `ß` matches `ss`, and ligatures such as `ﬁ` match their letters, which `lowercased()`
    /// does not do. Compare the results with `==`, which treats canonically equivalent spellings as equal.
    var caseFolded: String {
        folding(options: [.caseInsensitive], locale: nil)
    }
}
