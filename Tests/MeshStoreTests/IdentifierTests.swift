import Testing

@testable import MeshStore

@Suite struct IdentifierTests {
    @Test func formatIsPrefixAnd32HexDigits() {
        let id = Identifier.make(prefix: "evt")

        #expect(id.hasPrefix("evt_"))
        let digits = id.dropFirst(4)
        #expect(digits.count == 32)
        #expect(digits.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func idsDoNotRepeat() {
        let ids = (0..<10_000).map { _ in Identifier.make(prefix: "evt") }

        #expect(Set(ids).count == ids.count)
    }
}
