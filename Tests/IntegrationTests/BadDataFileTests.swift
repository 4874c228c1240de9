import Foundation
import MeshRuntime
import MeshStore
import MeshTesting
import Testing

/// A process whose database cannot serve refuses to start, and the message names the file and the fix,
/// instead of a process that reports SERVING and then fails every write.
@Suite(.serialized)
struct BadDataFileTests {
    let home = MeshHome(root: "/tmp/bd-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))

    init() throws {
        try home.prepare()
    }

    @Test func upWithAFileThatIsNotADatabaseStopsWithTheFix() async throws {
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let path = home.databasePath("billing")
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: path))

        let (status, output) = try await Self.runMesh(["up", "--home", home.root])

        #expect(status == 1, "\(output)")
        #expect(
            output.contains("mesh up: billing exited with status 1 while starting: billing cannot use its database"),
            "\(output)")
        // The log line itself keeps the log format, with the whole message.
        let log = (try? String(contentsOfFile: home.logPath("billing"), encoding: .utf8)) ?? ""
        #expect(log.contains(#" error billing: service.start_failed error="billing cannot use its database"#), "\(log)")
        #expect(log.contains("restore every database from your latest backup with mesh restore"), "\(log)")
        #expect(output.contains("'\(path)' is not a SQLite database"), "\(output)")
        #expect(output.contains("restore every database from your latest backup with mesh restore"), "\(output)")
        #expect(!output.contains("PRAGMA"), "the SQL says nothing to the person who must fix the file")
    }

    /// The user's case: `chmod 444` on the database, and after `chmod 644`, the read-only -shm file
    /// SQLite left beside it. Root passes every mode check, so as root the process runs as uid 65534.
    @Test func readOnlyFilesStopTheStartNamingEachFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let path = home.databasePath("tenancy")
        try Database(path: path, migrations: []).close()
        let prefix = try await Self.asUnprivilegedUser(home.root)

        chmod(path, 0o444)
        let (status, output) = try await Self.runMesh(["serve", "tenancy", "--home", home.root], prefix: prefix)

        #expect(status == 1, "\(output)")
        #expect(output.contains("tenancy cannot use its database: cannot write '\(path)' (Permission denied)"))
        #expect(output.contains("give that user write permission"), "\(output)")

        chmod(path, 0o644)
        let shm = path + "-shm"
        _ = FileManager.default.createFile(atPath: shm, contents: nil, attributes: [.posixPermissions: 0o444])
        try Self.giveToUnprivilegedUser(shm, when: !prefix.isEmpty)
        let (_, second) = try await Self.runMesh(["serve", "tenancy", "--home", home.root], prefix: prefix)

        #expect(second.contains("cannot write '\(shm)' (Permission denied)"), "\(second)")
    }

    static let unprivilegedID: UInt32 = 65534

    /// Returns the command prefix that runs `mesh` as an unprivileged user: none when the tests already
    /// run as one, else setpriv as uid 65534, after giving `root` to that user.
    static func asUnprivilegedUser(_ root: String) async throws -> [String] {
        guard getuid() == 0 else {
            return []
        }
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else {
            try Test.cancel("skipped: the tests run as root and setpriv is missing, so nothing can run as another user")
        }

        // Servers of other suites in this test process set a restrictive umask while they bind, so a
        // folder made at that moment lacks the search bit. Every folder gets the modes it needs here.
        let relatives = try FileManager.default.subpathsOfDirectory(atPath: root)
        for path in [root] + relatives.map({ root + "/" + $0 }) {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                chmod(path, 0o700)
            }
            try giveToUnprivilegedUser(path, when: true)
        }

        let prefix = [setpriv, "--reuid=\(unprivilegedID)", "--regid=\(unprivilegedID)", "--clear-groups"]
        let (status, output) = try await runMesh(["--help"], prefix: prefix)
        if status != 0 {
            try Test.cancel("skipped: uid \(unprivilegedID) cannot run the mesh executable: \(output)")
        }
        return prefix
    }

    static func giveToUnprivilegedUser(_ path: String, when needed: Bool) throws {
        guard needed else {
            return
        }
        guard chown(path, unprivilegedID, unprivilegedID) == 0 else {
            throw RuntimeFailure("chown \(path) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Runs the mesh executable to its end and returns its exit status and its output and errors.
    static func runMesh(_ arguments: [String], prefix: [String] = []) async throws -> (Int32, String) {
        try await runToEnd(prefix + [try MeshCluster.meshBinary()] + arguments)
    }
}
