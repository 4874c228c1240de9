import Foundation
import Glibc
import MeshRuntime

/// `mesh restore DIR`: replaces every database, key and email of a stopped mesh home with a backup's.
///
/// All databases come from the one backup, so they agree with one another. The backup is first copied
/// and checked in a `restoring-<time>` folder of the home, so a damaged backup changes nothing. Only
/// then do the files it replaces move to a `replaced-<time>` folder, `-wal` and `-shm` files included.
/// A `-wal` left beside a restored database would be applied to it at the next start. Last, the
/// checked copies move into their place.
enum RestoreCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let (home, backup) = try BackupLayout.arguments(
            raw, command: "restore", missing: "the folder of a backup that mesh backup wrote")
        guard !StatusCommand.sameFile(backup.root, home.root) else {
            throw RuntimeFailure(
                "\(backup.root) is both the backup and the mesh home; pass the home to restore into with --home")
        }
        try checkBackup(backup)

        let answering = try await BackupLayout.answering(home)
        if MeshLock.isHeld(runDirectory: home.runDirectory) || !answering.isEmpty {
            throw RuntimeFailure(
                "a mesh is running on \(home.root); stop it (Ctrl-C on mesh up, or stop mesh serve) and run mesh "
                    + "restore again, since a running process would keep writing to the files being replaced")
        }

        try home.prepare()
        let stamp = timeStamp()
        let staging = try stage(backup, in: home, stamp: stamp)
        let aside = try moveAside(home, stamp: stamp)
        try moveIntoPlace(staging, home: home)

        let clock =
            access(backup.root + "/" + BackupLayout.clockFile, F_OK) == 0
            ? " --test-clock (the backup has a test clock)" : ""
        Terminal.print(
            "restored \(MeshHome.processNames.count) databases, the outbox and the keys of \(backup.root) into "
                + "\(home.root); " + (aside.map { "the files they replaced are in \($0); " } ?? "")
                + "start the mesh with mesh up\(clock)")
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

    /// Copies the backup into a new `restoring-<stamp>` folder of the home, checking each database, and
    /// returns it. On a failure the folder is removed and the home is as it was.
    private static func stage(_ backup: MeshHome, in home: MeshHome, stamp: String) throws -> MeshHome {
        let staging = MeshHome(root: home.root + "/restoring-" + stamp)
        guard mkdir(staging.root, 0o700) == 0, mkdir(staging.dataDirectory, 0o700) == 0 else {
            throw RuntimeFailure("cannot create \(staging.root) (\(String(cString: strerror(errno)))) for the copies")
        }
        do {
            _ = try BackupLayout.copyDatabases(from: backup, to: staging)
            _ = try BackupLayout.copyOutbox(from: backup, to: staging)
            try BackupLayout.copyKeys(from: backup, to: staging)
            return staging
        } catch {
            try? FileManager.default.removeItem(atPath: staging.root)
            throw RuntimeFailure("\(error); nothing in \(home.root) was changed")
        }
    }

    /// The files a restore replaces, relative to the home: the databases with their `-wal` and `-shm`
    /// files, the keys, the clock and the outbox folder.
    private static var replacedNames: [String] {
        MeshHome.processNames.flatMap { process in
            ["", "-wal", "-shm"].map { MeshHome.databaseName(process) + $0 }
        } + BackupLayout.keyFiles + [BackupLayout.clockFile, "outbox"]
    }

    /// Moves the files a restore replaces into a new `replaced-<stamp>` folder of the home, and returns
    /// that folder, or nil when there was nothing to keep. An empty outbox folder is only removed.
    private static func moveAside(_ home: MeshHome, stamp: String) throws -> String? {
        if (try? FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory))?.isEmpty == true {
            rmdir(home.outboxDirectory)
        }
        let present = replacedNames.filter { access(home.root + "/" + $0, F_OK) == 0 }
        guard !present.isEmpty else {
            return nil
        }

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

    /// Moves the checked copies from the staging folder into the home, then removes the staging folder.
    private static func moveIntoPlace(_ staging: MeshHome, home: MeshHome) throws {
        let staged = replacedNames.filter { access(staging.root + "/" + $0, F_OK) == 0 }
        for name in staged where rename(staging.root + "/" + name, home.root + "/" + name) != 0 {
            throw RuntimeFailure(
                "cannot move \(staging.root)/\(name) into \(home.root) (\(String(cString: strerror(errno)))); move "
                    + "the rest of \(staging.root) into the home by hand before starting the mesh")
        }
        try? FileManager.default.removeItem(atPath: staging.root)
    }

    /// Returns the current UTC time for folder names, such as `2026-12-06T01-30-00.000Z`.
    private static func timeStamp() -> String {
        UTCTime.iso8601(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)).replacingOccurrences(
            of: ":", with: "-")
    }
}
