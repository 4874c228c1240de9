import MeshProtocol
import MeshTesting
import Testing

@testable import Tenancy

/// Names and titles are one line of visible text: control characters and bidirectional overrides are
/// refused, naming the character.
@Suite struct ControlCharacterTests {
    @Test func companyNameWithLineBreakIsRefused() async throws {
        let harness = try TenancyHarness()

        let error = await expectFailure(.invalidArgument) {
            try await harness.provision(name: "Evil\r\nBcc: victim@evil.example")
        }

        #expect(error?.details?["field"] == "name")
        #expect(error?.message.contains("U+000D") == true)
    }

    @Test func teamNameWithOverrideIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Mark Co")

        let error = await expectFailure(.invalidArgument) {
            .string(try await fixture.createTeam(company, name: "abc\u{202E}def"))
        }

        #expect(error?.message.contains("the bidirectional control U+202E") == true)
    }

    @Test func issueTitleWithEscapeIsRefused() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Title Co")

        let error = await expectFailure(.invalidArgument) {
            try await fixture.createIssue(company, title: "bell\u{07}and\u{1B}[31mred")
        }

        let details = JSONWriter.string(error?.details ?? .null)
        #expect(details.contains("U+0007"))
    }

    @Test func ordinaryUnicodeIsKept() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Zoë Ångström AB")

        _ = try await fixture.createTeam(company, name: "Équipe ☕ 東京")
        _ = try await fixture.createIssue(company, title: "Crash in Größe-Berechnung")
        // The zero-width joiner keeps emoji sequences together.
        _ = try await fixture.createIssue(company, title: "Pairing with 👩‍💻")
    }

    @Test(arguments: ["a\u{2028}b", "a\u{2029}b", "a\u{200B}b", "\u{FEFF}ab", "Op\u{2060}en", "a\u{AD}b", "a\u{61C}b"])
    func titleWithInvisibleSeparatorIsRejected(_ title: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Invisible Co")

        let error = await expectFailure(.invalidArgument) {
            try await fixture.createIssue(company, title: title)
        }

        #expect(error?.details?["field"] == "title")
    }

    @Test func lengthsCountCodePointsNotLetters() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Combining Co")

        // One letter with 60,000 combining accents is one Character but 60,001 code points.
        let error = await expectFailure(.invalidArgument) {
            try await fixture.createIssue(
                company, extra: ["description": .string("a" + String(repeating: "\u{301}", count: 60_000))])
        }

        #expect(error?.message.contains("60001 characters") == true)
    }

    @Test func descriptionKeepsLineBreaksAndTabsOnly() async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Description Co")

        _ = try await fixture.createIssue(company, extra: ["description": "Steps:\n\t1. open\r\n\t2. close"])
        // Thai breaks words with U+200B, and Hebrew and Arabic text needs direction marks.
        _ = try await fixture.createIssue(company, extra: ["description": "ภาษาไทย\u{200B}ง่าย \u{200F}שלום"])
        let error = await expectFailure(.invalidArgument) {
            try await fixture.createIssue(company, extra: ["description": "a\u{0}b\u{1B}[31m"])
        }

        #expect(error?.details?["field"] == "description")
        #expect(error?.message.contains("U+0000") == true)
    }

    @Test(arguments: ["a\u{202E}b", "a\u{202A}b"])
    func descriptionRejectsDirectionOverride(_ description: String) async throws {
        let fixture = try WorkspaceFixture()
        let company = try await fixture.provision("Override Co")

        // Isolates remain allowed, since right-to-left text uses them.
        _ = try await fixture.createIssue(company, extra: ["description": "\u{2067}שלום\u{2069} ok"])
        let error = await expectFailure(.invalidArgument) {
            try await fixture.createIssue(company, extra: ["description": .string(description)])
        }

        #expect(error?.details?["field"] == "description")
        #expect(error?.message.contains("the bidirectional control") == true)
    }
}
