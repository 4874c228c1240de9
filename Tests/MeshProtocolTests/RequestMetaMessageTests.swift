import MeshProtocol
import Testing

/// A rejected `meta` member's message names the value received, beside the rule it broke.
@Suite struct RequestMetaMessageTests {
    @Test(arguments: [
        (JSONValue.string(""), "it is an empty string"),
        (.string("   "), "it is only white space"),
        (.string(String(repeating: "a", count: 201)), "it is 201 code points"),
        (.int(5), "it is 5"),
    ])
    func idempotencyKeyProblemIsNamed(_ key: JSONValue, _ named: String) {
        do {
            _ = try RequestMeta(json: ["idempotency_key": key])
            Issue.record("\(key) was accepted")
        } catch {
            #expect(error.status == .invalidRequest)
            #expect(error.message.hasSuffix(named), "\(error.message)")
        }
    }
}
