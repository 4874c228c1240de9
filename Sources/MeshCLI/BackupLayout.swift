import Foundation
import Glibc
import MeshProtocol
import MeshRuntime
import MeshStore
import MeshTransport

/// The files of a mesh backup, laid out as in a mesh home: `data/<process>.sqlite` and
/// `data/cursor.key`, `root.key`, and `clock` when the home runs on the test clock.
struct BackupLayout {
    /// The backup folder, which `mesh restore` reads as a mesh home.
    let folder: MeshHome

    /// The keys and the clock, copied as they are, relative to the home's root. The clock is optional.
    static let keyFiles = ["data/cursor.key", "root.key"]
    static let clockFile = "clock"

    /// Reads the command line of `mesh backup` and `mesh restore`: the mesh home and the backup folder,
    /// made absolute. `missing` describes the folder argument, for the error when it is left out.
    static func arguments(_ raw: [String], command: String, missing: String) throws -> (MeshHome, MeshHome) {
        let arguments = try CommandLineArguments(raw, valued: ["home"])
        try arguments.allowPositional(atMost: 1, command: command)
        guard let folder = arguments.positional.first else {
            throw UsageError("mesh \(command) needs \(missing)")
        }
        let path = folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
        return (MeshCommand.home(arguments), MeshHome(root: path))
    }

    /// Copies every database of `source` into `target` with SQLite's backup API, checking each copy,
    /// and returns each one's size.
    static func copyDatabases(from source: MeshHome, to target: MeshHome, sourceIsLive: Bool = true) throws -> [(
        String, Int64
    )] {
        var sizes: [(String, Int64)] = []
        for process in MeshHome.processNames {
            let from = source.databasePath(process)
            guard access(from, F_OK) == 0 else {
                throw RuntimeFailure(
                    "\(from) does not exist, so \(source.root) is not a whole mesh home; pass the --home of a mesh "
                        + "that has run with mesh up")
            }
            let size: Int64
            do {
                size = try DatabaseBackup.copy(from: from, to: target.databasePath(process), sourceIsLive: sourceIsLive)
            } catch {
                throw RuntimeFailure(error.message)
            }
            sizes.append((process, size))
        }
        return sizes
    }

    /// Copies the keys and, when `source` has one, the clock file, each with mode 0600.
    static func copyKeys(from source: MeshHome, to target: MeshHome) throws {
        for name in keyFiles {
            try copyFile(source.root + "/" + name, to: target.root + "/" + name)
        }
        if access(source.root + "/" + clockFile, F_OK) == 0 {
            try copyFile(source.root + "/" + clockFile, to: target.root + "/" + clockFile)
        }
    }

    /// Copies the `.eml` files of `source`'s outbox into `target`'s and returns how many. Without a relay
    /// they are the mail that was sent; with one, an email waiting for the relay is sent from its file.
    static func copyOutbox(from source: MeshHome, to target: MeshHome) throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: source.outboxDirectory)) ?? []
        if mkdir(target.outboxDirectory, 0o700) != 0 && errno != EEXIST {
            throw RuntimeFailure(
                "cannot create the folder \(target.outboxDirectory) (\(String(cString: strerror(errno))))")
        }
        let emails = names.filter { $0.hasSuffix(".eml") }
        for name in emails {
            try copyFile(source.outboxDirectory + "/" + name, to: target.outboxDirectory + "/" + name)
        }
        return emails.count
    }

    static func copyFile(_ source: String, to target: String) throws {
        guard let contents = FileManager.default.contents(atPath: source) else {
            throw RuntimeFailure("cannot read \(source); check that it exists and that this user may read it")
        }
        guard FileManager.default.createFile(atPath: target, contents: contents, attributes: [.posixPermissions: 0o600])
        else {
            throw RuntimeFailure(
                "cannot write \(target) (\(String(cString: strerror(errno)))); check the folder's permissions and "
                    + "free space")
        }
    }

    /// Returns the processes of `home` that reply to `rpc.ping` on their sockets.
    static func answering(_ home: MeshHome) async throws -> [String] {
        let loop = try EventLoop(name: "backup")
        loop.start()
        defer { loop.stop() }

        var names: [String] = []
        for process in MeshHome.processNames {
            let client = RPCClient(path: home.socketPath(process), loop: loop)
            defer { client.close() }
            if (try? await client.call("rpc.ping", meta: RequestMeta(), timeout: .seconds(3))) != nil {
                names.append(process)
            }
        }
        return names
    }
}
