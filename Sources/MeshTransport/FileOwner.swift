import Glibc

/// The owner of a file, for messages that name the user to run as.
public enum FileOwner {
    /// Returns the uid that owns `path`, or nil when `stat` fails.
    /// Returns the owner of `path` itself, not of what it links to, or nil when it does not exist.
    public static func linkUID(of path: String) -> uid_t? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            return nil
        }
        return status.st_uid
    }

    public static func uid(of path: String) -> uid_t? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return nil
        }
        return status.st_uid
    }

    /// Returns "user 1000 (alice)", or "user 1000" when the uid has no name on this machine.
    public static func describe(_ uid: uid_t) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 1024)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else {
            return "user \(uid)"
        }
        return "user \(uid) (\(String(cString: name)))"
    }
}
