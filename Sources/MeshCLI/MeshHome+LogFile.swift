import Foundation
import MeshRuntime

extension MeshHome {
    /// The mode of a new log file, before the umask.
    static let logFileMode: mode_t = 0o644

    /// Opens `logs/<process>.log` for appending, creating the file, and the folder when it is missing
    /// (moved away while the mesh runs, say).
    ///
    /// O_APPEND puts every write at the file's current end, so a log truncated in place (logrotate's
    /// `copytruncate`) goes on from its start instead of filling the gap with NUL bytes.
    func openLog(_ process: String) throws -> FileHandle {
        let path = logPath(process)
        // The mode `mesh up` creates the folder with (FileManager's default, less the umask).
        if mkdir(logDirectory, 0o777) != 0 && errno != EEXIST {
            throw RuntimeFailure(
                "could not create the log folder \(logDirectory): \(String(cString: strerror(errno))); "
                    + "create it, writable by this user")
        }

        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, MeshHome.logFileMode)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw RuntimeFailure(
                "could not open \(path) for appending: \(String(cString: strerror(errno))); make it and "
                    + "\(logDirectory) writable by this user, or free space on its disk")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
