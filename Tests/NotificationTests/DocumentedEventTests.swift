import Foundation
import MeshProtocol
import MeshRuntime
import MeshTesting
import Testing

@testable import Notification

/// Checks of the hand-made event in docs/EVENTS.md: notification applies it, so the example works for
/// every service it is offered to.
@Suite struct DocumentedEventTests {
    /// Returns the events of the example in docs/EVENTS.md.
    private func documentedEvents() throws -> [MeshEvent] {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/EVENTS.md"), encoding: .utf8)
        let start = try #require(text.range(of: "```json\n{\"events\""))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let json = try JSONParser.parse(String(text[text.index(start.lowerBound, offsetBy: 8)..<end.lowerBound]))
        return try (json["events"]?.arrayValue ?? []).map { try MeshEvent(json: $0) }
    }

    @Test func exampleEventIsApplied() async throws {
        let harness = try NotificationHarness()
        let events = try documentedEvents()

        let applied = try harness.deliver(events)
        let listed = try await harness.call("notifications.list", ["company_id": "cmp_test"])

        #expect(events.count == 1)
        #expect(applied == 1)
        #expect(listed["messages"]?.arrayValue?.first?["kind"] == "welcome")
    }
}
