import Testing

@testable import MeshProtocol

@Suite struct NameSuggestionTests {
    @Test(arguments: [
        ("companies.provison", "companies.provision"), ("stauts", "status"), ("keyy", "key"),
        ("Title", "title"), ("tittle", "title"), ("xyz", nil), ("ab", nil),
    ])
    func closestNameIsSuggested(typed: String, expected: String?) {
        let candidates = ["companies.provision", "companies.list", "status", "key", "title"]

        #expect(NameSuggestion.closest(to: typed, among: candidates) == expected)
    }

    @Test func cutShortNameIsSuggested() {
        #expect(NameSuggestion.closest(to: "crash", among: ["crashes", "seconds"]) == "crashes")
        #expect(NameSuggestion.closest(to: "sec", among: ["seconds", "secret"]) == nil)
        #expect(NameSuggestion.closest(to: "status", among: ["company_id", "key", "to_status"]) == "to_status")
        #expect(NameSuggestion.closest(to: "id", among: ["company_id", "issue_id"]) == nil)
    }

    @Test func tiedCandidatesSuggestNothing() {
        #expect(NameSuggestion.closest(to: "cat", among: ["bat", "hat"]) == nil)
        #expect(NameSuggestion.closest(to: "teams.lst", among: ["teams.list", "teams.get"]) == "teams.list")
    }

    @Test func distanceCountsEachEdit() {
        #expect(NameSuggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(NameSuggestion.editDistance(Array(""), Array("abc")) == 3)
        #expect(NameSuggestion.editDistance(Array("same"), Array("same")) == 0)
        #expect(NameSuggestion.editDistance(Array("txet"), Array("text")) == 1)
    }

    @Test func hintIsEmptyWithoutMatch() {
        #expect(NameSuggestion.hint(for: "stauts", among: ["status"]) == " (did you mean status?)")
        #expect(NameSuggestion.hint(for: "unrelated", among: ["status"]) == "")
    }
}
