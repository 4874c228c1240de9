import Foundation
import Glibc
import MeshProtocol
import MeshRuntime
import MeshTransport

/// `mesh backup DIR`: copies every database of a mesh home, with its keys, into a new folder.
///
/// A running mesh keeps serving. Its publishers' relays are held while the databases are copied, so
/// the copies agree with one another: each event is in a subscriber's copy exactly when the
/// publisher's copy records it as delivered there. Writes go on meanwhile and land in the outboxes.
enum BackupCommand {
    /// The processes whose relays deliver events to the others.
    static let publishers = ["tenancy", "gateway"]
    /// How long a relay stays held if this command dies before it resumes them.
    static let leaseMs: Int64 = 120_000

    static func run(_ raw: [String]) async throws -> Int32 {
        let (home, backup) = try BackupLayout.arguments(
            raw, command: "backup", missing: "the folder to write the backup to, such as mesh backup /backups/mesh-1")
        try prepareFolder(backup)

        let answering = try await BackupLayout.answering(home)
        let running = !answering.isEmpty
        if running && answering.count < MeshHome.processNames.count {
            let silent = MeshHome.processNames.filter { !answering.contains($0) }
            throw RuntimeFailure(
                "\(silent.joined(separator: ", ")) of \(home.root) did not reply while the others did, so the copies "
                    + "could disagree; back up when mesh status shows every process SERVING, or with the mesh stopped")
        }

        let loop = try EventLoop(name: "backup")
        loop.start()
        defer { loop.stop() }
        if running {
            try await pauseRelays(home, loop: loop)
        }
        // The outbox is copied while the relays are held too: notification writes an email's file in the
        // write that records the message, so the files agree with the copied database.
        let copied = Result { () throws -> ([(String, Int64)], Int) in
            let sizes = try BackupLayout.copyDatabases(from: home, to: backup)
            let emails = try BackupLayout.copyOutbox(from: home, to: backup)
            try BackupLayout.copyKeys(from: home, to: backup)
            return (sizes, emails)
        }
        if running {
            await resumeRelays(home, loop: loop)
        }
        let (sizes, emails) = try copied.get()

        for (process, size) in sizes {
            Terminal.print("\(process.padding(toLength: 13, withPad: " ", startingAt: 0)) \(size) bytes")
        }
        Terminal.print("outbox        \(emails) emails")
        Terminal.print(
            "backed up \(home.root) \(running ? "while it ran" : "while it was stopped") to \(backup.root); "
                + "restore it with mesh restore \(backup.root) --home HOME, with that mesh stopped")
        return 0
    }

    /// Creates the backup folder with mode 0700, or accepts an empty one. The copies hold users, the
    /// audit log and key hashes, so no other user may read them.
    private static func prepareFolder(_ backup: MeshHome) throws {
        let manager = FileManager.default
        if let entries = try? manager.contentsOfDirectory(atPath: backup.root) {
            guard entries.isEmpty else {
                throw RuntimeFailure(
                    "\(backup.root) already holds files; pass a new or empty folder, so no older backup is mixed in")
            }
        } else if mkdir(backup.root, 0o700) != 0 {
            throw RuntimeFailure(
                "cannot create the folder \(backup.root) (\(String(cString: strerror(errno)))); check that its "
                    + "parent folder exists and is writable")
        }
        chmod(backup.root, 0o700)
        guard mkdir(backup.dataDirectory, 0o700) == 0 else {
            throw RuntimeFailure(
                "cannot create the folder \(backup.dataDirectory) (\(String(cString: strerror(errno))))")
        }
    }

    /// Holds the relay of every publisher, each after its deliveries under way finish.
    private static func pauseRelays(_ home: MeshHome, loop: EventLoop) async throws {
        for process in publishers {
            do {
                _ = try await operatorCall(
                    "relay.pause", params: ["lease_ms": .int(leaseMs)], process: process, home: home, loop: loop)
            } catch {
                await resumeRelays(home, loop: loop)
                throw RuntimeFailure("could not hold the events of \(process): \(error.message)")
            }
        }
    }

    /// Lets the held events go. A relay that cannot be reached resumes by itself when its lease ends.
    private static func resumeRelays(_ home: MeshHome, loop: EventLoop) async {
        for process in publishers {
            do {
                _ = try await operatorCall("relay.resume", params: [:], process: process, home: home, loop: loop)
            } catch {
                Terminal.error(
                    "mesh backup: could not resume the events of \(process) (\(error.message)); they go out again "
                        + "within \(leaseMs / 1000) s by themselves")
            }
        }
    }

    /// Calls a process's own operator method as root: with the root key at the gateway, which believes
    /// no caller, and as the root caller on a service's socket, which only this user reaches.
    private static func operatorCall(
        _ method: String,
        params: JSONValue,
        process: String,
        home: MeshHome,
        loop: EventLoop
    ) async throws(RPCError) -> JSONValue {
        var meta = RequestMeta()
        if process == "gateway" {
            meta.apiKey = CallCommand.readRootKey(home)
        } else {
            meta.caller = Caller.root.json
        }
        let client = RPCClient(path: home.socketPath(process), loop: loop)
        defer { client.close() }
        return try await client.call(method, params: params, meta: meta, timeout: .seconds(20))
    }
}
