import Glibc

/// The kind of file that this process's standard input is connected to, and whether it has bytes left.
enum StandardInput {
    /// Whether standard input is a pipe with bytes waiting, or a file with bytes after the read position,
    /// so that params were likely meant to come from it. A terminal, /dev/null or an empty pipe has none.
    static var hasUnreadInput: Bool {
        var status = stat()
        guard fstat(STDIN_FILENO, &status) == 0 else {
            return false
        }

        switch status.st_mode & S_IFMT {
        case S_IFIFO:
            var waiting: Int32 = 0
            return ioctl(STDIN_FILENO, UInt(FIONREAD), &waiting) == 0 && waiting > 0
        case S_IFREG:
            return status.st_size > lseek(STDIN_FILENO, 0, SEEK_CUR)
        default:
            return false
        }
    }
}
