import Foundation
import Glibc
import MeshRuntime

/// `mesh restore DIR`: replaces every database and key of a stopped mesh home with those of a backup.
///
/// All databases come from the one backup, so they agree with one another. The files replaced move
/// to a `replaced-<time>` folder of the home instead of being deleted, `-wal` and `-shm` files
/// included: a `-wal` left beside a restored database would be applied to it at the next start.
enum RestoreCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let (home, backup) = try BackupLayout.arguments(
            raw, command: "restore", missing: "the folder of a backup that mesh backup wrote")
        try checkBackup(backup)

        let answering = try await BackupLayout.answering(home)
        if MeshLock.isHeld(runDirectory: home.runDirectory) || !answering.isEmpty {
            throw RuntimeFailure(
                "a mesh is running on \(home.root); stop it (Ctrl-C on mesh up, or stop mesh serve) and run mesh "
                    + "restore again, since a running process would keep writing to the files being replaced")
        }

        try home.prepare()
        let aside = try moveAside(home)
        _ = try BackupLayout.copyDatabases(from: backup, to: home)
        _ = try BackupLayout.copyOutbox(from: backup, to: home)
        try BackupLayout.copyKeys(from: backup, to: home)

        let clock =
            access(backup.root + "/" + BackupLayout.clockFile, F_OK) == 0
            ? " --test-clock (the backup has a test clock)" : ""
        Terminal.print(
            "restored \(MeshHome.processNames.count) databases, the outbox and the keys of \(backup.root) into \(home.root); "
                + (aside.map { "the files they replaced are in \($0); " } ?? "") + "start the mesh with mesh up\(clock)"
        )
        return 0
    }

    /// Throws unless `backup` contains every file that `mesh backup` writes.
    private static func checkBackup(_ backup: MeshHome) throws {
        let needed = MeshHome.processNames.map { MeshHome.databaseName($0) } + BackupLayout.keyFiles
        let missing = needed.filter { access(backup.root + "/" + $0, R_OK) != 0 }
        guard missing.isEmpty else {
            throw RuntimeFailure(
                "\(backup.root) is not a whole backup: \(missing.joined(separator: ", ")) missing or unreadable; "
                    + "pass a folder that mesh backup wrote")
        }
    }

    /// Moves the home's databases with their `-wal` and `-shm` files, its keys, its clock and its outbox
    /// folder into a new `replaced-<UTC time>` folder of the home, and returns that folder, or nil when there was nothing.
    private static func moveAside(_ home: MeshHome) throws -> String? {
        let names =
            MeshHome.processNames.flatMap { process in
                ["", "-wal", "-shm"].map { MeshHome.databaseName(process) + $0 }
            } + BackupLayout.keyFiles + [BackupLayout.clockFile, "outbox"]
        let present = names.filter { access(home.root + "/" + $0, F_OK) == 0 }
        guard !present.isEmpty else {
            return nil
        }

        let stamp = UTCTime.iso8601(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            .replacingOccurrences(of: ":", with: "-")
        let folder = home.root + "/replaced-" + stamp
        guard mkdir(folder, 0o700) == 0, mkdir(folder + "/data", 0o700) == 0 else {
            throw RuntimeFailure(
                "cannot create \(folder) (\(String(cString: strerror(errno)))) to keep the files replaced")
        }
        for name in present where rename(home.root + "/" + name, folder + "/" + name) != 0 {
            throw RuntimeFailure(
                "cannot move \(home.root)/\(name) to \(folder) (\(String(cString: strerror(errno)))); nothing was "
                    + "restored, and the files moved so far are in \(folder)")
        }
        return folder
    }
}
