import MeshProtocol
import MeshStore

/// A failure of a process's database files or of the disk under them, as clients and `rpc.health`
/// describe it: in words, naming the file relative to the mesh home, never with SQL or data.
enum StorageCondition {
    case diskFull
    case ioError
    case readOnly
    case corrupt
    case cannotOpen

    init?(_ error: StoreError) {
        if error.isDiskFull {
            self = .diskFull
        } else if error.isIOError {
            self = .ioError
        } else if error.isReadOnly {
            self = .readOnly
        } else if error.isCorrupt {
            self = .corrupt
        } else if error.isCannotOpen {
            self = .cannotOpen
        } else {
            return nil
        }
    }

    /// The stable name in `details.reason` and in the health report.
    var reason: String {
        switch self {
        case .diskFull: return "disk_full"
        case .ioError: return "io_error"
        case .readOnly: return "read_only"
        case .corrupt: return "corrupt"
        case .cannotOpen: return "cannot_open"
        }
    }

    /// A full disk and an I/O error can pass while the process runs, so the call is worth retrying:
    /// UNAVAILABLE. The others last until the operator fixes the file and restarts the process:
    /// INTERNAL, not retryable.
    var status: RPCStatus {
        switch self {
        case .diskFull, .ioError: return .unavailable
        case .readOnly, .corrupt, .cannotOpen: return .internal
        }
    }

    /// Describes what is wrong, naming the process and its database `file`.
    func problem(process: String, file: String) -> String {
        switch self {
        case .diskFull: return "the disk holding \(process)'s database \(file) is full"
        case .ioError: return "\(process) got an I/O error from its database \(file)"
        case .readOnly: return "\(process) cannot write its database \(file) or its -wal or -shm file"
        case .corrupt: return "\(process)'s database \(file) is damaged"
        case .cannotOpen: return "\(process) cannot open its database \(file) or its -wal or -shm file"
        }
    }

    /// Returns the fix, for the person who runs the mesh.
    func remedy(process: String) -> String {
        switch self {
        case .diskFull:
            return "free space on that disk"
        case .ioError:
            return "check that disk and the kernel log (dmesg)"
        case .readOnly:
            return "make the data folder, the file and its -wal and -shm files writable by the user that runs "
                + "the mesh, then restart \(process)"
        case .corrupt:
            return "stop the mesh (\(process) alone would be started again on the same file) and restore every "
                + "database from the latest backup with mesh restore, which moves the damaged files aside"
        case .cannotOpen:
            return "check that the data folder and its files are there and writable by the user that runs the "
                + "mesh, then restart \(process)"
        }
    }

    /// Builds the error a client gets when `method` failed this way.
    func clientError(method: String, process: String, file: String, error: StoreError) -> RPCError {
        let cause = "\(method) failed: \(problem(process: process, file: file)) (\(error.primaryCodeName))"
        let message: String
        switch self {
        case .diskFull:
            message = "\(cause), and its write was rolled back; \(remedy(process: process)), then retry the call"
        case .ioError:
            message =
                "\(cause); retry the call (a write with the same idempotency key, since it may have been "
                + "applied), and if it fails again, \(remedy(process: process))"
        case .readOnly, .corrupt, .cannotOpen:
            message = "\(cause); \(remedy(process: process))"
        }
        return RPCError(
            status,
            message,
            details: ["reason": .string(reason), "file": .string(file), "sqlite_code": .int(Int64(error.resultCode))]
        )
    }
}
