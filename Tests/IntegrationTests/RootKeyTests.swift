import Foundation
import MeshRuntime
import MeshStore
import Testing

@testable import Gateway

/// The gateway's handling of `root.key`: created owner-only, its mode repaired, a deleted key replaced
/// with a warning, and an unreadable one reported as such.
@Suite struct RootKeyTests {
    let home = MeshHome(root: "/tmp/rootkey-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
    let store: Database
    let logs = LogSink.memory()

    init() throws {
        try home.prepare()
        store = try Database(path: home.databasePath("gateway"), migrations: Gateway.migrations)
    }

    private func cleanUp() {
        store.close()
        try? FileManager.default.removeItem(atPath: home.root)
    }

    private func ensure() throws -> RootKey {
        try RootKey.ensure(home: home, store: store, clock: .system, logger: Logger(label: "gateway", sink: logs))
    }

    private func mode() throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: home.rootKeyPath)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    private func storedKeys() throws -> Int64? {
        try store.readSync { try $0.scalarInt("SELECT count(*) FROM root_keys") }
    }

    @Test func newKeyIsOwnerOnly() throws {
        defer { cleanUp() }

        let key = try ensure()

        #expect(try mode() == 0o600)
        let text = try String(contentsOfFile: home.rootKeyPath, encoding: .utf8)
        #expect(SecretHash.sha256Hex(text.trimmingCharacters(in: .whitespacesAndNewlines)) == key.hash)
        #expect(logs.captured.isEmpty)
    }

    @Test func keyReadableByOthersIsMadeOwnerOnly() throws {
        defer { cleanUp() }
        let placed = "tmr_" + String(repeating: "ab", count: 24)
        try (placed + "\n").write(toFile: home.rootKeyPath, atomically: false, encoding: .utf8)
        try #require(chmod(home.rootKeyPath, 0o644) == 0)

        let key = try ensure()

        #expect(key.hash == SecretHash.sha256Hex(placed))
        #expect(try mode() == 0o600)
        #expect(logs.captured.count == 1)
        #expect(logs.captured.first?.contains("warning gateway: root_key.mode_fixed") == true)
        #expect(logs.captured.first?.contains("was=0644") == true)
    }

    @Test func deletedKeyIsReplacedWithAWarning() throws {
        defer { cleanUp() }
        let first = try ensure()
        try FileManager.default.removeItem(atPath: home.rootKeyPath)

        let second = try ensure()

        #expect(second.hash != first.hash)
        #expect(try storedKeys() == 1)
        #expect(logs.captured.count == 1)
        #expect(logs.captured.first?.contains("warning gateway: root_key.replaced") == true)
        #expect(logs.captured.first?.contains("the old one no longer works") == true)
    }

    /// Root reads any file, so a folder in place of the key stands for what root cannot read.
    @Test func unreadableKeyIsReportedNotReplaced() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: home.rootKeyPath, withIntermediateDirectories: false)
        try #require(chmod(home.rootKeyPath, 0o755) == 0)

        let error = #expect(throws: RuntimeFailure.self) { try ensure() }

        #expect(error?.message.hasPrefix("could not read \(home.rootKeyPath): it is a folder;") == true)
        #expect(error?.message.contains("File exists") == false)
        #expect(try storedKeys() == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: home.rootKeyPath)[.posixPermissions] as? Int
        #expect(mode == 0o755, "the folder's mode is left alone")
    }

    @Test(arguments: [
        "tmk_123456789012345678", "tmr_1234567890123456", "tmr_ 12345678901234567", "tmr_123456789012345678é",
    ])
    func fileThatIsNoKeyIsReported(_ text: String) throws {
        defer { cleanUp() }
        try (text + "\n").write(toFile: home.rootKeyPath, atomically: true, encoding: .utf8)
        chmod(home.rootKeyPath, 0o600)

        let error = #expect(throws: RuntimeFailure.self) { try ensure() }

        #expect(error?.message.contains("does not hold a root key: one is tmr_ followed by at least 17") == true)
        #expect(try storedKeys() == 0)
    }

    @Test func keyOfYourOwnIsTaken() throws {
        defer { cleanUp() }
        try "tmr_12345678901234567\n".write(toFile: home.rootKeyPath, atomically: true, encoding: .utf8)
        chmod(home.rootKeyPath, 0o600)

        let key = try ensure()

        #expect(key.hash == SecretHash.sha256Hex("tmr_12345678901234567"))
    }

    /// A FIFO would block an ordinary open until something writes to it.
    @Test func fifoInPlaceOfTheKeyIsReported() throws {
        defer { cleanUp() }
        try #require(mkfifo(home.rootKeyPath, 0o600) == 0)

        let error = #expect(throws: RuntimeFailure.self) { try ensure() }

        #expect(error?.message.hasPrefix("could not read \(home.rootKeyPath): it is not a regular file;") == true)
        #expect(try storedKeys() == 0)
    }

    /// A key of mode 000 cannot be read by its owner, unless the owner is root.
    @Test(.enabled(if: geteuid() != 0)) func keyWithoutReadPermissionIsReported() throws {
        defer { cleanUp() }
        try ("tmr_" + String(repeating: "cd", count: 24) + "\n").write(
            toFile: home.rootKeyPath, atomically: false, encoding: .utf8)
        try #require(chmod(home.rootKeyPath, 0) == 0)

        let error = #expect(throws: RuntimeFailure.self) { try ensure() }

        #expect(error?.message.hasPrefix("could not read \(home.rootKeyPath): Permission denied;") == true)
    }
}
