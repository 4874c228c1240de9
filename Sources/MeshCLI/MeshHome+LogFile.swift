import Foundation
import MeshRuntime

extension MeshHome {
    /// The mode of a new log file, before the umask: logs name companies and users, so they are the
    /// owner's alone, like the folder they are in.
    static let logFileMode: mode_t = 0o600

    /// Opens `logs/<process>.log` for appending, creating the file, and the folder when it is missing
    /// (moved away while the mesh runs, say).
    ///
    /// O_APPEND puts every write at the file's current end, so a log truncated in place (logrotate's
    /// `copytruncate`) goes on from its start instead of filling the gap with NUL bytes.
    func openLog(_ process: String) throws -> FileHandle {
        let path = logPath(process)
        // The mode `mesh up` gives the folder.
        if mkdir(logDirectory, 0o700) != 0 && errno != EEXIST {
            throw RuntimeFailure(
                "could not create the log folder \(logDirectory): \(String(cString: strerror(errno))); "
                    + "create it, writable by this user")
        }

        var descriptor: Int32
        repeat {
            // O_NOFOLLOW: a link put in place of the log must not make the mesh write over its target.
            descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, MeshHome.logFileMode)
        } while descriptor < 0 && errno == EINTR
        if descriptor < 0 && errno == ELOOP {
            throw RuntimeFailure(
                "\(path) is a symbolic link, and the mesh writes its logs only to a file of its own; remove the "
                    + "link, and check where it pointed")
        }
        guard descriptor >= 0 else {
            throw RuntimeFailure(
                "could not open \(path) for appending: \(String(cString: strerror(errno))); make it and "
                    + "\(logDirectory) writable by this user, or free space on its disk")
        }
        // A log made before, or under another umask, may be open to others; it becomes the owner's alone.
        fchmod(descriptor, MeshHome.logFileMode)
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
