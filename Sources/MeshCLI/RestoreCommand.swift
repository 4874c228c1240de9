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

        // A running home's files, copied one after another, disagree: that is not a backup.
        if try await isRunning(backup) {
            throw RuntimeFailure(
                "\(backup.root) is the home of a running mesh, not a backup; make one with mesh backup \(backup.root == home.root ? "" : "DIR --home \(backup.root)") and restore that"
            )
        }
        if try await isRunning(home) {
            throw RuntimeFailure(
                "a mesh is running on \(home.root); stop it (Ctrl-C on mesh up, or stop mesh serve) and run mesh "
                    + "restore again, since a running process would keep writing to the files being replaced")
        }

        try home.prepare()
        let stamp = timeStamp()
        let staging = try stage(backup, in: home, stamp: stamp)
        let aside = try swap(staging, into: home, stamp: stamp)

        let clock =
            access(backup.root + "/" + BackupLayout.clockFile, F_OK) == 0
            ? " --test-clock (the backup has a test clock)" : ""
        Terminal.print(
            "restored \(MeshHome.processNames.count) databases, the outbox and the keys of \(backup.root) into "
                + "\(home.root); " + (aside.map { "the files they replaced are in \($0); " } ?? "")
                + "start the mesh with mesh up\(clock)")
        return 0
    }

    /// Returns whether a process of `home` runs: one replies on its socket, `mesh up` locks the home, or
    /// a pid file names a live process (one stopped with SIGSTOP replies to nothing).
    private static func isRunning(_ home: MeshHome) async throws -> Bool {
        if MeshLock.isHeld(runDirectory: home.runDirectory) {
            return true
        }
        // A pid file left by a crash may name a pid that another program has since, so the process's
        // command line must name this home too.
        let serving = MeshHome.processNames.contains { name in
            guard let pid = home.recordedPID(name),
                let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else {
                return false
            }
            let words = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.contains("serve") && words.contains(home.root)
        }
        if serving {
            return true
        }
        return !(try await BackupLayout.answering(home)).isEmpty
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
            _ = try BackupLayout.copyDatabases(from: backup, to: staging, sourceIsLive: false)
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

    /// Moves the files a restore replaces into a new `replaced-<stamp>` folder of the home, then the
    /// checked copies from `staging` into their place, and returns that folder, or nil when the home
    /// had nothing to keep. An empty outbox folder is only removed.
    ///
    /// Every move is a rename within the home. When one fails, the moves made so far are undone in
    /// reverse, so the home is as it was and `mesh up` never starts on half of it.
    private static func swap(_ staging: MeshHome, into home: MeshHome, stamp: String) throws -> String? {
        if (try? FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory))?.isEmpty == true {
            rmdir(home.outboxDirectory)
        }
        let present = replacedNames.filter { access(home.root + "/" + $0, F_OK) == 0 }
        let folder = home.root + "/replaced-" + stamp
        if !present.isEmpty {
            guard mkdir(folder, 0o700) == 0, mkdir(folder + "/data", 0o700) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: staging.root)
                throw RuntimeFailure(
                    "cannot create \(folder) (\(reason)) to keep the files replaced; nothing was changed")
            }
        }

        let staged = replacedNames.filter { access(staging.root + "/" + $0, F_OK) == 0 }
        let moves =
            present.map { (home.root + "/" + $0, folder + "/" + $0) }
            + staged.map { (staging.root + "/" + $0, home.root + "/" + $0) }
        var done: [(String, String)] = []
        for (from, to) in moves {
            guard rename(from, to) == 0 else {
                let code = errno
                let reason = String(cString: strerror(code))
                for (movedFrom, movedTo) in done.reversed() {
                    rename(movedTo, movedFrom)
                }
                try? FileManager.default.removeItem(atPath: staging.root)
                if !present.isEmpty {
                    try? FileManager.default.removeItem(atPath: folder)
                }
                let crossDevice =
                    code == EXDEV
                    ? " (data/ must be on the same file system as the home, since a restore moves files by renaming)"
                    : ""
                throw RuntimeFailure(
                    "cannot move \(from) to \(to) (\(reason))\(crossDevice); the moves made so far were undone, so "
                        + "nothing in \(home.root) was changed")
            }
            done.append((from, to))
        }
        try? FileManager.default.removeItem(atPath: staging.root)
        return present.isEmpty ? nil : folder
    }

    /// Returns the current UTC time for folder names, such as `2026-12-06T01-30-00.000Z`.
    private static func timeStamp() -> String {
        UTCTime.iso8601(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)).replacingOccurrences(
            of: ":", with: "-")
    }
}
