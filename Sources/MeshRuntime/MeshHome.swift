import Foundation
import MeshTransport

/// The folder that holds one mesh: sockets, databases, outgoing mail, logs, the root key and the
/// test clock.
///
/// Layout: `run/<process>.sock` (folder 0700, sockets 0600), `data/<process>.sqlite`, `outbox/*.eml`,
/// `logs/<process>.log`, `root.key` (0600) and, in test-clock mode, `clock`.
public struct MeshHome: Sendable {
    public let root: String

    /// The five processes of a mesh, in start order: services first, the gateway last.
    public static let processNames = ["tenancy", "billing", "analytics", "notification", "gateway"]

    public init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Returns the home named by `MESH_HOME`, or `./.mesh` when it is unset or empty.
    ///
    /// An empty value counts as unset, as for the other MESH_ variables, rather than naming the current
    /// folder: `MESH_HOME=` is more often a variable left blank than a choice.
    public static func fromEnvironment(_ variables: [String: String] = ProcessInfo.processInfo.environment)
        -> MeshHome
    {
        let named = variables["MESH_HOME"] ?? ""
        return MeshHome(root: named.isEmpty ? ".mesh" : named)
    }

    public var runDirectory: String { root + "/run" }
    public var dataDirectory: String { root + "/data" }
    public var outboxDirectory: String { root + "/outbox" }
    public var logDirectory: String { root + "/logs" }
    public var rootKeyPath: String { root + "/root.key" }
    /// The key that seals the cursors of paged lists, shared by the processes of the home.
    public var cursorKeyPath: String { dataDirectory + "/cursor.key" }
    public var clockPath: String { root + "/clock" }
    /// A file `mesh up --test-clock` keeps while it runs, so that `mesh clock set` may write back a clock
    /// file deleted meanwhile.
    public var testClockMarkerPath: String { runDirectory + "/test-clock" }

    public func socketPath(_ process: String) -> String { runDirectory + "/" + process + ".sock" }
    public func databasePath(_ process: String) -> String { root + "/" + Self.databaseName(process) }
    /// Returns the database of `process` relative to the root, for messages to clients, which need not
    /// learn where the mesh lives.
    public static func databaseName(_ process: String) -> String { "data/" + process + ".sqlite" }
    public func logPath(_ process: String) -> String { logDirectory + "/" + process + ".log" }

    /// Returns the pid that `mesh up` wrote to `run/<process>.pid`, if the file exists and contains one.
    public func recordedPID(_ process: String) -> Int32? {
        (try? String(contentsOfFile: runDirectory + "/" + process + ".pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Creates the folders, with `run/` restricted to the owner whatever the umask.
    ///
    /// - Throws: when `run/` belongs to another user, naming that user: the mesh there is theirs, and
    ///   only they can reach its sockets.
    ///
    /// - Parameter others: uids of other users the gateway accepts (`MESH_TRUSTED_UIDS`). With any,
    ///   the home and `run/` get search permission for everyone (0711 for `run/`). Those users can
    ///   then reach the gateway's socket, while the services' sockets stay 0600.
    public func prepare(sharedWith others: Set<uid_t> = []) throws {
        try checkEveryOwner()
        let manager = FileManager.default
        for directory in [root, dataDirectory, outboxDirectory, logDirectory, runDirectory] {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                // A file in the way is no matter of permissions.
                var status = stat()
                if lstat(directory, &status) == 0 && (status.st_mode & S_IFMT) != S_IFDIR {
                    throw RuntimeFailure(
                        "\(directory) is a file, not a folder; move it away so the mesh can create the folder, "
                            + "or choose another home (MESH_HOME or --home)")
                }
                throw RuntimeFailure(
                    "could not create or enter \(directory) (\((error as NSError).localizedDescription)); the user "
                        + "that runs the mesh (uid \(getuid())) needs write and search permission on the home and "
                        + "its folders: fix their owner or mode, or choose another home (MESH_HOME or --home)"
                )
            }
        }

        // Sockets, databases (whose outboxes carry invitation tokens until delivered), mail and logs are
        // for the owner alone, whatever the umask. The home and run/ let the users in MESH_TRUSTED_UIDS
        // pass through to the gateway's socket, without listing them.
        for directory in [root, runDirectory, dataDirectory, outboxDirectory, logDirectory] {
            let shared = (directory == root || directory == runDirectory) && !others.isEmpty
            let mode: mode_t = shared ? 0o711 : 0o700
            guard chmod(directory, mode) == 0 else {
                let code = errno
                let reason = String(cString: strerror(code))
                if let owner = FileOwner.uid(of: directory), owner != geteuid() {
                    throw RuntimeFailure(MeshHome.foreignOwner(root, owner: owner))
                }
                // The folder is this user's, so the rejection comes from its attributes or its file system.
                if code == EPERM || code == EROFS {
                    throw RuntimeFailure(
                        "could not set mode \(String(mode, radix: 8)) on \(directory) (\(reason)), though it belongs to "
                            + "this user: it may be marked immutable, which lsattr -d shows as 'i' and chattr -i clears, "
                            + "or be on a read-only file system; fix that, or choose another home (MESH_HOME or --home)"
                    )
                }
                throw RuntimeFailure(
                    "could not set mode \(String(mode, radix: 8)) on \(directory) (\(reason)); the folder must belong to the user that "
                        + "runs the mesh (uid \(getuid())): chown it to that user, or choose another home "
                        + "(MESH_HOME or --home)"
                )
            }
        }
    }

    /// Throws when `run/` exists and belongs to another user than this process's.
    public func checkOwner() throws {
        if let owner = foreignOwner() {
            throw RuntimeFailure(MeshHome.foreignOwner(root, owner: owner))
        }
    }

    /// Returns the uid of the other user the mesh in this home belongs to, or nil when it is this user's.
    /// That is the owner of `run/`, or of the home itself, because another user's 0700 home hides `run/`.
    public func foreignOwner() -> uid_t? {
        guard let owner = FileOwner.uid(of: runDirectory) ?? FileOwner.uid(of: root), owner != geteuid() else {
            return nil
        }
        return owner
    }

    /// Throws when the home, one of its folders or its root key belongs to another user than this
    /// process's. A home another user prepared could hold a root key they chose, or links that make
    /// the mesh write its logs over files elsewhere, so the mesh does not start in it.
    public func checkEveryOwner() throws {
        try checkOwner()
        for path in [root, dataDirectory, outboxDirectory, logDirectory, runDirectory, rootKeyPath] {
            guard let owner = FileOwner.linkUID(of: path), owner != geteuid() else {
                continue
            }
            throw RuntimeFailure(
                "\(path) belongs to \(FileOwner.describe(owner)), not to the user that runs the mesh (uid "
                    + "\(geteuid())); a home that another user prepared may hold their root key or links of theirs, "
                    + "so remove it (or chown it, after checking what it holds), or choose another home "
                    + "(MESH_HOME or --home)")
        }
    }

    /// Returns the message for a home whose `run/` folder belongs to user `owner`.
    public static func foreignOwner(_ root: String, owner: uid_t) -> String {
        "the mesh in \(root) belongs to \(FileOwner.describe(owner)); run mesh as that user, or use a home of your "
            + "own (--home DIR or MESH_HOME)"
    }

    /// The clock the processes of this home share: the clock file when it exists, else the system clock.
    public func clock() -> MeshClock {
        FileManager.default.fileExists(atPath: clockPath) ? .file(clockPath) : .system
    }
}
