import Foundation
import Testing

@testable import Tenancy

/// The ASCII shortcuts of `InputCheck.trimmed` and `String.caseFolded` give what Foundation gives.
@Suite struct TextNormalizationTests {
    static let asciiSamples: [String] = [
        "", " ", "\t\n\r\u{0B}\u{0C} ", "  Platform Team  ", "\tBug\n", "MiXeD Case 42", "a", "ABC-def_1",
        String((0..<128).map { Character(UnicodeScalar(UInt8($0))) }),
    ]

    @Test(arguments: asciiSamples)
    func asciiTrimMatchesFoundation(text: String) {
        let foundation = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping

        #expect(Array(InputCheck.trimmed(text).utf8) == Array(foundation.utf8))
    }

    @Test(arguments: asciiSamples)
    func asciiFoldMatchesFoundation(text: String) {
        let foundation = text.folding(options: [.caseInsensitive], locale: nil)

        #expect(Array(text.caseFolded.utf8) == Array(foundation.utf8))
    }

    @Test func nonASCIIStillNormalizes() {
        #expect(Array(InputCheck.trimmed(" e\u{301}cole ").utf8) == Array("\u{e9}cole".utf8))
        #expect("Straße".caseFolded == "STRASSE".caseFolded)
        #expect("ΣΟΦΟΣ".caseFolded == "σοφος".caseFolded)
    }
}
