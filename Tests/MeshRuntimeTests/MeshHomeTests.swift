import Foundation
import MeshRuntime
import MeshTesting
import Testing

@testable import MeshTransport

@Suite struct MeshHomeTests {
    @Test(arguments: [[:], ["MESH_HOME": ""]])
    func unsetOrEmptyHomeIsDotMesh(_ variables: [String: String]) {
        let home = MeshHome.fromEnvironment(variables)

        #expect(home.root == FileManager.default.currentDirectoryPath + "/.mesh")
    }

    @Test func namedHomeIsUsed() {
        #expect(MeshHome.fromEnvironment(["MESH_HOME": "/srv/mesh"]).root == "/srv/mesh")
    }

    /// Only root can give a folder to another user, so the test needs root.
    @Test(.enabled(if: geteuid() == 0)) func homeOfAnotherUserIsRefused() throws {
        let home = MeshHome(root: "/tmp/owner-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        try home.prepare()
        try #require(chown(home.runDirectory, 54_321, 54_321) == 0)

        let error = #expect(throws: RuntimeFailure.self) { try home.prepare() }

        #expect(error?.message.contains("the mesh in \(home.root) belongs to user 54321") == true)
        #expect(error?.message.contains("run mesh as that user") == true)
    }

    /// Only root can give a file to another user, so the test needs root.
    @Test(.enabled(if: geteuid() == 0), arguments: ["data", "logs", "root.key", ""])
    func homePreparedByAnotherUserIsRefused(_ name: String) throws {
        let home = MeshHome(root: "/tmp/owner-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        try home.prepare()
        let path = name.isEmpty ? home.root : home.root + "/" + name
        if name == "root.key" {
            try "tmr_chosen_by_someone_else".write(toFile: path, atomically: false, encoding: .utf8)
        }
        try #require(chown(path, 54_321, 54_321) == 0)

        let error = #expect(throws: RuntimeFailure.self) { try home.prepare() }

        #expect(error?.message.contains("\(path) belongs to user 54321") == true)
        #expect(error?.message.contains("choose another home") == true)
    }

    /// Root alone may mark a folder immutable, so the test needs root.
    @Test(.enabled(if: geteuid() == 0)) func immutableDataFolderIsNamed() throws {
        let home = MeshHome(root: "/tmp/immutable-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        try home.prepare()
        guard ImmutableAttribute.set(home.dataDirectory) else {
            return  // a file system without the attribute
        }
        defer { ImmutableAttribute.clear(home.dataDirectory) }

        let error = #expect(throws: RuntimeFailure.self) { try home.prepare() }

        #expect(error?.message.contains("it may be marked immutable") == true, "\(String(describing: error))")
        #expect(error?.message.contains("chown") == false)
    }

    @Test func foldersAreTheOwnersWhateverTheUmask() throws {
        let home = MeshHome(root: "/tmp/modes-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        let previous = umask(0)
        defer { umask(previous) }

        try home.prepare()
        try home.prepare(sharedWith: [54_321])

        func mode(_ path: String) throws -> mode_t {
            var status = stat()
            try #require(stat(path, &status) == 0)
            return status.st_mode & 0o777
        }
        #expect(try mode(home.root) == 0o711)
        #expect(try mode(home.runDirectory) == 0o711)
        for folder in [home.dataDirectory, home.outboxDirectory, home.logDirectory] {
            #expect(try mode(folder) == 0o700, "\(folder)")
        }
        try home.prepare()
        #expect(try mode(home.root) == 0o700)
    }

    @Test func fileWhereAFolderBelongsIsNamed() throws {
        let root = "/tmp/home-file-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A plain file where the home's data folder belongs.
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: root + "/data"))

        let error = #expect(throws: RuntimeFailure.self) { try MeshHome(root: root).prepare() }

        #expect(error?.message.contains("\(root)/data is a file, not a folder; move it away") == true)
        #expect(error?.message.contains("choose another home") == true)
    }
}

/// The messages for a failed connect, by errno.
@Suite struct ConnectFailureTests {
    let socket = "/srv/mesh/run/gateway.sock"

    @Test func permissionDeniedNamesTheOwner() {
        let message = UnixSocketPath.connectFailure(socket, errno: EACCES, folderOwner: geteuid() &+ 1)

        #expect(message.contains("Permission denied"))
        #expect(message.contains("belongs to user \(geteuid() &+ 1)"))
        #expect(message.contains("run mesh as that user"))
        #expect(message.contains("add your uid (\(geteuid())) to MESH_TRUSTED_UIDS"))
        #expect(!message.contains("is the process serving it running"))
    }

    @Test func serviceSocketIsNotOfferedToOthers() {
        let message = UnixSocketPath.connectFailure(
            "/srv/mesh/run/billing.sock", errno: EACCES, folderOwner: geteuid() &+ 1)

        #expect(message.hasSuffix("run mesh as that user (only its gateway can be opened to other users)"))
    }

    @Test func deniedConnectIsNotRetryable() {
        let state = ClientState(path: socket, options: RPCClient.Options())
        let denied = TransportError("connect to '\(socket)' failed: Permission denied", isPermissionDenied: true)
        let missing = TransportError("connect to '\(socket)' failed: No such file or directory")

        let deniedError = state.connectError(denied, retryIn: .milliseconds(50))
        let missingError = state.connectError(missing, retryIn: .milliseconds(50))

        #expect(deniedError.status == .permissionDenied)
        #expect(!deniedError.retryable)
        #expect(!deniedError.message.contains("retry in"))
        #expect(missingError.retryable)
        #expect(missingError.message.contains("(retry in 50 ms)"))
    }

    @Test func missingRunFolderGetsNoRetryDelay() {
        let state = ClientState(path: socket, options: RPCClient.Options())
        let missing = TransportError("connect to '\(socket)' failed: no mesh has run there", isFolderMissing: true)

        let error = state.connectError(missing, retryIn: .milliseconds(50))

        #expect(error.status == .unavailable)
        #expect(!error.message.contains("retry in"))
    }

    @Test(arguments: [EACCES, EPERM])
    func ownFolderDenialPointsAtModes(_ code: Int32) {
        let message = UnixSocketPath.connectFailure(socket, errno: code, folderOwner: geteuid())

        #expect(message.contains("only the user that started the mesh can connect"))
        #expect(!message.contains("is the process serving it running"))
    }

    @Test(arguments: [ENOENT, ECONNREFUSED])
    func missingSocketAsksWhetherItRuns(_ code: Int32) {
        // The folder exists, so only the socket is missing.
        let message = UnixSocketPath.connectFailure("/tmp/gateway.sock", errno: code, folderOwner: nil)

        #expect(message.hasSuffix("; is the process serving it running?"))
    }

    @Test func missingHomeSaysNoMeshRan() {
        let message = UnixSocketPath.connectFailure(socket, errno: ENOENT, folderOwner: nil)

        #expect(message.contains("the folder '/srv/mesh/run' does not exist, so no mesh has run there"))
        #expect(!message.contains("is the process serving it running"))
    }
}
