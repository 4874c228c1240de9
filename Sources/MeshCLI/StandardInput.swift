import Glibc

/// The kind of file that this process's standard input is connected to.
enum StandardInput {
    /// Whether standard input is a pipe or a file, so that params were likely meant to come from it.
    static var isPipeOrFile: Bool {
        var status = stat()
        guard fstat(STDIN_FILENO, &status) == 0 else {
            return false
        }
        let kind = status.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFREG
    }
}
