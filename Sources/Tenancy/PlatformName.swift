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

    /// Returns true when `name` looks like it contains the platform's name.
    static func appears(in name: String) -> Bool {
        Self.skeleton(of: name).contains(skeleton)
    }

    /// Returns the lowercase ASCII letters `name` looks like, in order.
    static func skeleton(of name: String) -> String {
        let plain = name.decomposedStringWithCompatibilityMapping
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)

        var letters = ""
        for scalar in plain.unicodeScalars {
            if let latin = lookalikes[scalar] {
                letters += latin
            } else if scalar.isASCII, scalar.properties.isAlphabetic {
                letters.unicodeScalars.append(scalar)
            }
        }
        return letters.replacingOccurrences(of: "rn", with: "m").replacingOccurrences(of: "vv", with: "w")
    }

    /// Characters that look like the Latin letters of the platform's name, and those letters: Cyrillic
    /// and Greek letters, small capitals, and digits, after case folding.
    private static let lookalikes: [Unicode.Scalar: String] = [
        // Cyrillic.
        "а": "a", "е": "e", "ѕ": "s", "о": "o", "т": "t", "м": "m", "н": "h", "һ": "h", "п": "n", "і": "i",
        "ԁ": "d", "к": "k", "р": "p", "с": "c", "х": "x", "у": "y",
        // Greek.
        "α": "a", "ε": "e", "τ": "t", "μ": "m", "η": "n", "ν": "v", "ο": "o", "ι": "i", "κ": "k", "ρ": "p",
        // Small capitals and other letter forms.
        "ᴀ": "a", "ᴇ": "e", "ɴ": "n", "ᴛ": "t", "ᴍ": "m", "ꜱ": "s", "ʜ": "h", "ɪ": "i",
        // Digits and signs used for letters.
        "4": "a", "@": "a", "3": "e", "7": "t", "5": "s", "$": "s", "0": "o", "1": "l", "|": "l",
    ]
}
