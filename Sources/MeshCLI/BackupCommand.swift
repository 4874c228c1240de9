import Foundation
import Glibc
import MeshProtocol
import MeshRuntime
import MeshTransport

/// `mesh backup DIR`: copies every database of a mesh home, with its keys and outbox, into a new folder.
///
/// A running mesh keeps serving. Its publishers' relays are held while the databases are copied, so
/// the copies agree with one another: each event is in a subscriber's copy exactly when the
/// publisher's copy records it as delivered there. Writes go on meanwhile and land in the outboxes.
/// The hold is renewed while the copy runs, and a backup during which a hold lapsed fails. A backup
/// that fails removes what it wrote.
enum BackupCommand {
    /// The processes whose relays deliver events to the others.
    static let publishers = ["tenancy", "gateway"]
    /// How long a relay stays held if this command dies before it resumes them.
    static let leaseMs: Int64 = 120_000
    /// How often the hold is renewed while the copy runs, well within the lease.
    static let renewal: Duration = .seconds(20)

    static func run(_ raw: [String]) async throws -> Int32 {
        let (home, backup) = try BackupLayout.arguments(
            raw, command: "backup", missing: "the folder to write the backup to, such as mesh backup /backups/mesh-1")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: home.dataDirectory, isDirectory: &isFolder), isFolder.boolValue
        else {
            throw RuntimeFailure(
                "\(home.root) has no data folder, so there is nothing to back up; pass the --home of a mesh that has "
                    + "run with mesh up")
        }

        let answering = try await BackupLayout.answering(home)
        let running = !answering.isEmpty
        if running && answering.count < MeshHome.processNames.count {
            let silent = MeshHome.processNames.filter { !answering.contains($0) }
            throw RuntimeFailure(
                "\(silent.joined(separator: ", ")) of \(home.root) did not reply while the others did, so the copies "
                    + "could disagree; back up when mesh status shows every process SERVING, or with the mesh stopped")
        }

        let createdFolder = try prepareFolder(backup)
        do {
            let (sizes, emails) = try await copy(home, to: backup, running: running)
            for (process, size) in sizes {
                Terminal.print("\(process.padding(toLength: 13, withPad: " ", startingAt: 0)) \(size) bytes")
            }
            Terminal.print("outbox        \(emails) emails")
        } catch {
            removeWritten(backup, createdFolder: createdFolder)
            throw error
        }
        Terminal.print(
            "backed up \(home.root) \(running ? "while it ran" : "while it was stopped") to \(backup.root); "
                + "restore it with mesh restore \(backup.root) --home HOME, with that mesh stopped")
        return 0
    }

    /// Copies the databases, the outbox and the keys of `home`, holding a running mesh's relays
    /// meanwhile, and returns each database's size and the number of emails.
    ///
    /// The outbox is copied while the relays are held too: notification writes an email's file in the
    /// write that records the message, so the files agree with the copied database.
    private static func copy(_ home: MeshHome, to backup: MeshHome, running: Bool) async throws -> (
        [(String, Int64)], Int
    ) {
        let loop = try EventLoop(name: "backup")
        loop.start()
        defer { loop.stop() }

        let pauseIDs = running ? try await pauseRelays(home, loop: loop) : [:]
        let renewing = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: renewal)
                guard !Task.isCancelled else {
                    return
                }
                _ = await renewHolds(home, loop: loop)
            }
        }
        let copied = await BlockingThread.run {
            Result { () throws -> ([(String, Int64)], Int) in
                let sizes = try BackupLayout.copyDatabases(from: home, to: backup)
                let emails = try BackupLayout.copyOutbox(from: home, to: backup)
                try BackupLayout.copyKeys(from: home, to: backup)
                return (sizes, emails)
            }
        }
        renewing.cancel()
        await renewing.value

        // One more renewal shows whether each hold lasted the whole copy: a pause that lapsed, or a
        // process that restarted meanwhile, comes back with another id.
        var problems: [String] = []
        if running {
            let final = await renewHolds(home, loop: loop)
            for process in publishers {
                switch final[process] {
                case .some(.some(let id)) where id == pauseIDs[process]:
                    continue
                case .some(.some):
                    problems.append(
                        "the events of \(process) went on during the copy (it restarted, or its hold ran out)")
                default:
                    problems.append("\(process) did not reply, so whether its events were held throughout is unknown")
                }
            }
            await resumeRelays(home, loop: loop)
        }
        let result = try copied.get()
        guard problems.isEmpty else {
            throw RuntimeFailure(
                problems.joined(separator: "; ") + "; the copies could disagree, so nothing was kept: run mesh backup "
                    + "again when mesh status shows every process SERVING")
        }
        return result
    }

    /// Creates the backup folder with mode 0700, or accepts an empty one, and returns whether it created
    /// it. The copies hold users, the audit log and key hashes, so no other user may read them.
    private static func prepareFolder(_ backup: MeshHome) throws -> Bool {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        var created = false
        if manager.fileExists(atPath: backup.root, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw RuntimeFailure("\(backup.root) is a file, not a folder; pass a new or empty folder")
            }
            guard (try? manager.contentsOfDirectory(atPath: backup.root))?.isEmpty == true else {
                throw RuntimeFailure(
                    "\(backup.root) already contains files; pass a new or empty folder, so no older backup is mixed in")
            }
        } else if mkdir(backup.root, 0o700) != 0 {
            throw RuntimeFailure(
                "cannot create the folder \(backup.root) (\(String(cString: strerror(errno)))); check that its "
                    + "parent folder exists and is writable")
        } else {
            created = true
        }
        chmod(backup.root, 0o700)
        guard mkdir(backup.dataDirectory, 0o700) == 0 else {
            let reason = String(cString: strerror(errno))
            if created {
                rmdir(backup.root)
            }
            throw RuntimeFailure("cannot create the folder \(backup.dataDirectory) (\(reason))")
        }
        return created
    }

    /// Removes what a failed backup wrote: the folder it created, or the contents of the empty folder it
    /// was given.
    private static func removeWritten(_ backup: MeshHome, createdFolder: Bool) {
        let manager = FileManager.default
        if createdFolder {
            try? manager.removeItem(atPath: backup.root)
            return
        }
        for name in (try? manager.contentsOfDirectory(atPath: backup.root)) ?? [] {
            try? manager.removeItem(atPath: backup.root + "/" + name)
        }
    }

    /// Holds the relay of every publisher, each after its deliveries under way finish, and returns each
    /// hold's pause id. A call while held renews the hold and returns the same id.
    private static func pauseRelays(_ home: MeshHome, loop: EventLoop) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for process in publishers {
            do {
                let reply = try await operatorCall(
                    "relay.pause", params: ["lease_ms": .int(leaseMs)], process: process, home: home, loop: loop)
                ids[process] = reply["pause_id"]?.stringValue
            } catch {
                await resumeRelays(home, loop: loop)
                throw RuntimeFailure("could not hold the events of \(process): \(error.message)")
            }
        }
        return ids
    }

    /// Renews the hold of every publisher and returns each one's pause id, or nil for one that did not
    /// reply. Unlike `pauseRelays`, it lets nothing go.
    private static func renewHolds(_ home: MeshHome, loop: EventLoop) async -> [String: String?] {
        var ids: [String: String?] = [:]
        for process in publishers {
            let reply = try? await operatorCall(
                "relay.pause", params: ["lease_ms": .int(leaseMs)], process: process, home: home, loop: loop)
            ids[process] = reply?["pause_id"]?.stringValue
        }
        return ids
    }

    /// Lets the held events go. A relay that cannot be reached resumes by itself when its lease ends.
    private static func resumeRelays(_ home: MeshHome, loop: EventLoop) async {
        for process in publishers {
            do {
                _ = try await operatorCall("relay.resume", params: [:], process: process, home: home, loop: loop)
            } catch {
                Terminal.error(
                    "mesh backup: \(process) did not reply when asked to let its events go (\(error.status.name)); "
                        + "they go out again within \(leaseMs / 1000) s by themselves")
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
