import Foundation
import MeshProtocol
import MeshStore

/// Chooses the prefix of a company's issue keys (`TECH` in `TECH-42`) from its name.
enum KeyPrefix {
    /// Returns the first four ASCII letters of `name` without its accents, uppercased (`Österreich`
    /// gives `OSTE`, `Straße` gives `STRA`, `Øresund` gives `ORES`). Names with fewer than two such
    /// letters are padded with `X`.
    static func base(for name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive], locale: nil).uppercased()
        let plain = folded.unicodeScalars.map { scalar in latinLetters[scalar] ?? String(scalar) }.joined()
        let letters = plain.unicodeScalars.filter { ("A"..."Z").contains($0) }
        var base = String(String.UnicodeScalarView(letters.prefix(4)))
        while base.count < 2 {
            base += "X"
        }
        return base
    }

    /// Latin letters that removing accents leaves as they are, with the ASCII letters they are written
    /// with: Danish and Norwegian Ø, Polish Ł, Croatian Đ, Icelandic Þ, and the ligatures Æ and Œ.
    private static let latinLetters: [Unicode.Scalar: String] = [
        "Ø": "O", "Ł": "L", "Đ": "D", "Þ": "TH", "Æ": "AE", "Œ": "OE", "Ħ": "H", "Ŧ": "T", "Ŋ": "N",
    ]

    /// Returns the base, or the base followed by the first free number from 2 upward, so the result has 2
    /// to 6 characters. Deleted companies keep their prefix, so an old issue key never changes meaning.
    static func unique(for name: String, in connection: Connection) throws -> String {
        let base = base(for: name)
        var candidates = [base]
        candidates += (2...99).map { base + String($0) }

        for candidate in candidates where try !isTaken(candidate, in: connection) {
            return candidate
        }

        // Only reached when 99 companies share the same four letters: fall back to random letters.
        for _ in 0..<100 {
            let candidate = String((0..<6).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ".randomElement()! })
            if try !isTaken(candidate, in: connection) {
                return candidate
            }
        }
        throw RPCError(.internal, "no free issue key prefix was found for '\(name)'; retry the provisioning")
    }

    static func isTaken(_ prefix: String, in connection: Connection) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM companies WHERE key_prefix = ?", [.text(prefix)]) != nil
    }
}
