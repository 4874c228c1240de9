import Foundation
import MeshProtocol
import Testing

@testable import MeshRuntime

@Suite struct CursorSealTests {
    private func home() throws -> MeshHome {
        let home = MeshHome(root: "/tmp/rt-seal-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
        return home
    }

    @Test func sealedTextOpensOnlyInItsContext() throws {
        let home = try home()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let seal = try CursorSeal.forHome(home)

        let cursor = seal.sequenceCursor(104, method: "audit.list", companyID: "cmp_a")
        var tampered = Array(cursor)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"

        #expect(!cursor.contains("104"))
        #expect(try seal.sequence(cursor, method: "audit.list", companyID: "cmp_a") == 104)
        #expect(throws: RPCError.self) { try seal.sequence(cursor, method: "audit.list", companyID: "cmp_b") }
        #expect(throws: RPCError.self) { try seal.sequence(cursor, method: "notifications.list", companyID: "cmp_a") }
        #expect(throws: RPCError.self) {
            try seal.sequence(String(tampered), method: "audit.list", companyID: "cmp_a")
        }
        #expect(throws: RPCError.self) { try seal.sequence("104", method: "audit.list", companyID: "cmp_a") }
    }

    @Test func everyProcessOfAHomeSharesTheKey() throws {
        let home = try home()
        defer { try? FileManager.default.removeItem(atPath: home.root) }

        let cursor = try CursorSeal.forHome(home).sequenceCursor(7, method: "audit.list", companyID: "cmp_a")
        let reopened = try CursorSeal.forHome(home)

        var status = stat()
        #expect(stat(home.cursorKeyPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(try reopened.sequence(cursor, method: "audit.list", companyID: "cmp_a") == 7)
    }

    @Test func cursorShowsNeitherLengthNorSpelling() throws {
        let home = try home()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let seal = try CursorSeal.forHome(home)

        let short = seal.sequenceCursor(1, method: "audit.list", companyID: "cmp_a")
        let long = seal.sequenceCursor(123_456_789_012, method: "audit.list", companyID: "cmp_a")

        #expect(short.count == long.count)
        #expect(throws: RPCError.self) { try seal.sequence(short + "==", method: "audit.list", companyID: "cmp_a") }
        // The same bytes in standard base64, where the cursor has a - or _ to respell.
        let respelled = short.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if respelled != short {
            #expect(throws: RPCError.self) { try seal.sequence(respelled, method: "audit.list", companyID: "cmp_a") }
        }
        #expect(try seal.sequence(long, method: "audit.list", companyID: "cmp_a") == 123_456_789_012)
    }
}
