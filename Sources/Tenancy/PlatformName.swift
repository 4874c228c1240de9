import Foundation

/// Tells whether a name that a company's mail is sent under names the platform, TenantMesh, however it
/// is written, so that a company cannot pass its mail for the platform's.
///
/// The name is reduced to a skeleton, in the manner of Unicode's confusable detection (UTS #39).
/// Compatibility forms become plain letters (fullwidth, bold, circled), and accents go. Letters of
/// other scripts that look like Latin ones become those (Cyrillic е, Greek Τ, small capitals), as do
/// look-alike digits, `rn` becomes `m`, and everything but letters is dropped. The skeleton of the
/// platform's name must not appear in it.
enum PlatformName {
    static let skeleton = "tenantmesh"

    /// Returns true when `name` looks like it contains the platform's name at the start of one of its
    /// words, so that "Lieutenant Mesh" or "Contenant Mesh" stay allowed.
    static func appears(in name: String) -> Bool {
        let (letters, wordStarts) = Self.skeletonWithWordStarts(of: name)
        var searchFrom = letters.startIndex
        while let found = letters.range(of: skeleton, range: searchFrom..<letters.endIndex) {
            if wordStarts.contains(letters.distance(from: letters.startIndex, to: found.lowerBound)) {
                return true
            }
            searchFrom = letters.index(after: found.lowerBound)
        }
        return false
    }

    /// Returns the lowercase ASCII letters `name` looks like, in order.
    static func skeleton(of name: String) -> String {
        skeletonWithWordStarts(of: name).letters
    }

    /// Returns the skeleton and the offsets in it where a word of `name` begins.
    private static func skeletonWithWordStarts(of name: String) -> (letters: String, wordStarts: Set<Int>) {
        let plain = name.decomposedStringWithCompatibilityMapping
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)

        var letters = ""
        var wordStarts: Set<Int> = []
        var inWord = false
        for scalar in plain.unicodeScalars {
            let latin = lookalikes[scalar] ?? (scalar.isASCII && scalar.properties.isAlphabetic ? String(scalar) : nil)
            guard let latin else {
                // Combining marks left by the decomposition belong to the letter before them.
                if scalar.properties.generalCategory != .nonspacingMark {
                    inWord = false
                }
                continue
            }
            if !inWord {
                wordStarts.insert(letters.count)
                inWord = true
            }
            letters += latin
        }
        // `rn` reads as `m`; each replacement shortens the text after it, so word starts are recounted.
        let merged = letters.replacingOccurrences(of: "rn", with: "m")
        guard merged.count != letters.count else {
            return (letters, wordStarts)
        }
        return (merged, Set(wordStarts.map { start in start - countOccurrences(of: "rn", in: letters, before: start) }))
    }

    /// Returns how many times `pattern` occurs in `text`, without overlaps, before offset `end`.
    private static func countOccurrences(of pattern: String, in text: String, before end: Int) -> Int {
        var count = 0
        var index = text.startIndex
        let limit = text.index(text.startIndex, offsetBy: end)
        while let found = text.range(of: pattern, range: index..<limit) {
            count += 1
            index = found.upperBound
        }
        return count
    }

    /// Characters that look like the Latin letters of the platform's name, and those letters: Cyrillic
    /// and Greek letters, small capitals, and digits, after case folding.
    private static let lookalikes: [Unicode.Scalar: String] = [
        // Cyrillic.
        "а": "a", "е": "e", "ѕ": "s", "о": "o", "т": "t", "м": "m", "н": "h", "һ": "h", "п": "n", "і": "i",
        "ԁ": "d", "к": "k", "р": "p", "с": "c", "х": "x", "у": "y",
        // Greek.
        "α": "a", "ε": "e", "τ": "t", "μ": "m", "η": "n", "ν": "v", "ο": "o", "ι": "i", "κ": "k", "ρ": "p",
        // Small capitals and other letter forms, Latin alpha, Cherokee and runic letters.
        "ᴀ": "a", "ᴇ": "e", "ɴ": "n", "ᴛ": "t", "ᴍ": "m", "ꜱ": "s", "ʜ": "h", "ɪ": "i", "ɑ": "a", "ħ": "h",
        "ꮇ": "m", "Ꮇ": "m", "ꭲ": "t", "Ꭲ": "t", "Ꭼ": "e", "ꭼ": "e", "Ꮪ": "s", "ꮪ": "s", "Ꮋ": "h", "ꮋ": "h",
        "ᛖ": "m", "ᛏ": "t",
        // Digits and signs used for letters.
        "4": "a", "@": "a", "3": "e", "7": "t", "5": "s", "$": "s", "0": "o", "1": "l", "|": "l",
    ]
}
