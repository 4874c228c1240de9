import CSystem
import Glibc

/// Checks and prepares the filesystem side of a Unix socket path.
public enum UnixSocketPath {
    /// The longest path the kernel accepts in `sun_path`, in bytes (107 on Linux: 108 minus the NUL).
    public static var maximumLength: Int {
        Int(csystem_unix_path_max())
    }

    /// Throws when `path` does not fit `sun_path`, naming the path and the fix.
    public static func validate(_ path: String) throws(TransportError) {
        let length = path.utf8.count
        if length > maximumLength {
            throw TransportError(
                "socket path '\(path)' is \(length) bytes, over the kernel's limit of \(maximumLength); "
                    + "choose a shorter mesh home folder (MESH_HOME or --home) so the socket path fits"
            )
        }
        if length == 0 {
            throw TransportError("socket path is empty; pass the path of the socket to listen on or connect to")
        }
    }

    /// Returns the message for a failed connect to `path`: the error, and what to do about it.
    ///
    /// EACCES and EPERM mean this user may not reach the socket, not that nothing serves it. When the
    /// socket's folder belongs to another user (`folderOwner`, nil when unknown), the message names
    /// that user, the only one (with root) that can connect.
    public static func connectFailure(_ path: String, errno code: Int32, folderOwner: uid_t?) -> String {
        let failure = "connect to '\(path)' failed: \(String(cString: strerror(code)))"
        if isNotASocket(path) {
            return failure + "; '\(path)' is not a socket, so check the path (the mesh home, MESH_HOME or --home)"
        }
        if code == ENOENT, let folder = missingFolder(of: path) {
            return failure
                + "; the folder '\(folder)' does not exist, so no mesh has run there: check the mesh home "
                + "(MESH_HOME or --home), or start a mesh in it with mesh up"
        }
        guard code == EACCES || code == EPERM else {
            return failure + "; is the process serving it running?"
        }
        if let owner = folderOwner, owner != geteuid() {
            let owned = failure + "; the mesh there belongs to \(FileOwner.describe(owner)): run mesh as that user"
            guard path.hasSuffix("/gateway.sock") else {
                return owned + " (only its gateway can be opened to other users)"
            }
            return owned
                + ", or ask them to add your uid (\(geteuid())) to MESH_TRUSTED_UIDS, which opens the gateway to you"
        }
        return failure
            + "; only the user that started the mesh can connect: run mesh as that user, or check the modes of "
            + "the socket and its folder"
    }

    /// Returns the socket's folder when it does not exist, or nil when it does.
    public static func missingFolder(of path: String) -> String? {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex else {
            return nil
        }
        let folder = String(path[..<slash])
        var status = stat()
        return stat(folder, &status) == 0 ? nil : folder
    }

    /// Tells whether `path` exists and is something other than a socket (a regular file, a folder).
    public static func isNotASocket(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFSOCK
    }

    /// Removes a socket file left by a process that no longer runs, and refuses a live one.
    ///
    /// A socket file whose connect is refused belongs to a dead process and is unlinked. One that
    /// accepts a connection belongs to a running process and is never taken over.
    public static func clearStale(_ path: String) throws(TransportError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            return
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw TransportError(
                "'\(path)' exists and is not a socket; move the file away or choose another MESH_HOME"
            )
        }

        let probe = csystem_socket_unix()
        guard probe >= 0 else {
            throw TransportError("socket() failed while probing '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(probe) }

        if csystem_connect_unix(probe, path) == 0 || errno == EAGAIN {
            throw TransportError(
                "another process is already serving on '\(path)'; stop it first or choose another MESH_HOME",
                isAddressInUse: true
            )
        }
        unlink(path)
    }
}

/// A transport failure described for an operator: what failed, on which path, and what to do.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// True when a live process already serves the socket path.
    public let isAddressInUse: Bool
    /// True when this user may not reach the socket (EACCES, EPERM), which no retry changes.
    public let isPermissionDenied: Bool
    /// True when the path names a file that is not a socket, which no retry changes either.
    public let isNotASocket: Bool
    /// True when the socket's folder does not exist, so no mesh has run there yet.
    public let isFolderMissing: Bool

    public init(
        _ message: String, isAddressInUse: Bool = false, isPermissionDenied: Bool = false, isNotASocket: Bool = false,
        isFolderMissing: Bool = false
    ) {
        self.message = message
        self.isAddressInUse = isAddressInUse
        self.isPermissionDenied = isPermissionDenied
        self.isNotASocket = isNotASocket
        self.isFolderMissing = isFolderMissing
    }

    public var description: String { message }
}
