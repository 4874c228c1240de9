import Foundation

/// The check that a name a company's mail is sent under does not name the platform, TenantMesh, however
/// it is written, so that a company cannot pass its mail for the platform's.
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
            } else if latin == "n" && letters.last == "r" {
                // `rn` inside a word reads as `m`.
                letters.removeLast()
                letters += "m"
                continue
            }
            letters += latin
        }
        return (letters, wordStarts)
    }

    /// Characters that look like the Latin letters of the platform's name, and those letters: Cyrillic,
    /// Greek, Cherokee and runic letters, small capitals, the Latin alpha, and digits, after case folding.
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
