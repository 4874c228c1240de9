import Glibc
import MeshProtocol

/// The free space on the disk under a process's database, for `rpc.health`.
///
/// SQLite reports a full disk only when a write needs a page it cannot get, so a process started on a
/// full disk would report SERVING until its first write. Health reads the free space itself instead.
enum DiskSpace {
    /// Below this many free bytes a write of any size may fail, so health reports the disk as full.
    static let minimumFreeBytes: Int64 = 1 << 20

    /// Returns the bytes this process's user may still write on the file system holding `path`, or nil
    /// when `statvfs` fails. Root may use the blocks reserved for it; other users may not.
    static func available(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else {
            return nil
        }
        let blocks = geteuid() == 0 ? info.f_bfree : info.f_bavail
        return Int64(blocks) * Int64(info.f_frsize)
    }

    /// Returns the `store` report for a disk with `free` bytes left, or nil when that is enough.
    static func report(free: Int64?, process: String) -> JSONValue? {
        guard let free, free < minimumFreeBytes else {
            return nil
        }
        let file = MeshHome.databaseName(process)
        return [
            "state": "error",
            "detail": .string(
                "the disk holding \(process)'s database \(file) has \(free) bytes free, too few for a write; free "
                    + "space on that disk, and writes work again without a restart"),
            "reason": "disk_full",
        ]
    }
}
