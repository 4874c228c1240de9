import Foundation
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

    @Test func idsMadeLaterSortAfterEarlierOnes() throws {
        let first = Identifier.make(prefix: "evt")
        Thread.sleep(forTimeInterval: 0.003)
        let second = Identifier.make(prefix: "evt")

        #expect(first < second)
    }

    @Test func timePartIsTheCurrentMillisecond() throws {
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let id = Identifier.make(prefix: "iss")
        let after = Int64(Date().timeIntervalSince1970 * 1000)

        let milliseconds = try #require(Int64(id.dropFirst(4).prefix(12), radix: 16))
        #expect(milliseconds >= before - 1)
        #expect(milliseconds <= after + 1)
    }
}
