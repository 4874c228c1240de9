import Glibc

/// The Linux immutable attribute (what `chattr +i` sets), which makes a file unwritable even for root,
/// who passes every mode check. Tests that run as root use it.
///
/// It is set with ioctl, not by running chattr, because starting a process with Foundation's Process
/// while other tests start theirs can crash the test run.
public enum ImmutableAttribute {
    // FS_IOC_GETFLAGS, FS_IOC_SETFLAGS and FS_IMMUTABLE_FL from <linux/fs.h> on 64-bit Linux, whose
    // _IOR and _IOW macros Swift does not import.
    private static let getFlagsRequest: UInt = 0x8008_6601
    private static let setFlagsRequest: UInt = 0x4008_6602
    private static let immutableFlag: Int32 = 0x10

    /// Marks `path` immutable and returns true, or returns false when the system rejects it (no
    /// CAP_LINUX_IMMUTABLE, or a file system without the attribute).
    public static func set(_ path: String) -> Bool {
        changeFlags(of: path) { $0 | immutableFlag }
    }

    /// Clears the attribute, so the temporary folder can be removed.
    public static func clear(_ path: String) {
        _ = changeFlags(of: path) { $0 & ~immutableFlag }
    }

    private static func changeFlags(of path: String, _ update: (Int32) -> Int32) -> Bool {
        // Read-only access is enough for these requests, on a file and on a folder alike.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else {
            return false
        }
        defer { close(descriptor) }

        var flags: Int32 = 0
        guard ioctl(descriptor, getFlagsRequest, &flags) == 0 else {
            return false
        }
        flags = update(flags)
        return ioctl(descriptor, setFlagsRequest, &flags) == 0
    }
}
