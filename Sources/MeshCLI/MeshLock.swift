import Foundation
import MeshRuntime

/// The lock that makes one `mesh up` the only supervisor of a home: an exclusive `flock` on
/// `run/mesh.lock`, held for the supervisor's lifetime.
///
/// The kernel releases the lock when the process ends, however it ends, so a lock is never stale and
/// `run/supervisor.pid` is only informative. The file contains the pid of the process that has the
/// lock, for the message a second `mesh up` prints.
final class MeshLock {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    static func path(_ home: MeshHome) -> String {
        home.runDirectory + "/mesh.lock"
    }

    /// Returns whether a `mesh up` holds the lock of the home whose `run/` folder is `runDirectory`,
    /// without taking it.
    static func isHeld(runDirectory: String) -> Bool {
        let descriptor = open(runDirectory + "/mesh.lock", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return false
        }
        defer { close(descriptor) }

        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else {
            return errno == EWOULDBLOCK
        }
        flock(descriptor, LOCK_UN)
        return false
    }

    /// Takes the lock of `home`, whose `run/` folder must exist, and writes this process's pid into it.
    ///
    /// - Throws: when another process has the lock, naming that process, or when the file cannot be opened.
    static func acquire(_ home: MeshHome) throws -> MeshLock {
        let path = path(home)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RuntimeFailure("could not open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        let lock = MeshLock(descriptor: descriptor)

        var result: Int32
        repeat {
            result = flock(descriptor, LOCK_EX | LOCK_NB)
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let reason = errno
            guard reason == EWOULDBLOCK else {
                throw RuntimeFailure("could not lock \(path): \(String(cString: strerror(reason)))")
            }
            throw alreadyRunning(home, holder: holderPID(descriptor))
        }

        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0, DescriptorWriter.writeAll(descriptor, text) == nil else {
            throw RuntimeFailure("could not write the pid to \(path): \(String(cString: strerror(errno)))")
        }
        return lock
    }

    /// Returns the error for a home whose lock another supervisor has.
    static func alreadyRunning(_ home: MeshHome, holder: Int32?) -> RuntimeFailure {
        guard let holder else {
            return RuntimeFailure(
                "a mesh is already running in \(home.root) (its supervisor is starting); stop it first (Ctrl-C in "
                    + "its terminal, or kill the `mesh up` of that home)")
        }
        return RuntimeFailure(
            "a mesh is already running in \(home.root) (supervisor pid \(holder)); stop it first (Ctrl-C in its "
                + "terminal, or kill \(holder))")
    }

    /// Reads the pid that the lock's owner wrote into the lock file. An owner that has just taken the lock
    /// may not have written it yet, so this waits up to a second for it.
    private static func holderPID(_ descriptor: Int32) -> Int32? {
        for _ in 0..<20 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0,
                let pid = Int32(
                    String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            usleep(50_000)
        }
        return nil
    }
}
