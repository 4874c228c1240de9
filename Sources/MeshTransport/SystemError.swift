import Glibc

/// A failed system call: which call, on what, and the errno it set.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    /// What the call acted on, for example a socket path.
    public let subject: String?

    public init(call: String, errno: Int32, subject: String? = nil) {
        self.call = call
        self.errno = errno
        self.subject = subject
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        if let subject {
            return "\(call) failed on \(subject): \(reason) (errno \(errno))"
        }
        return "\(call) failed: \(reason) (errno \(errno))"
    }
}

/// Runs a system call, retrying on EINTR, and turns -1 into a `SystemError`.
@discardableResult
func retryingInterrupts(_ call: String, subject: String? = nil, _ body: () -> Int32) throws(SystemError) -> Int32 {
    while true {
        let result = body()
        if result != -1 {
            return result
        }
        if errno == EINTR {
            continue
        }
        throw SystemError(call: call, errno: errno, subject: subject)
    }
}
