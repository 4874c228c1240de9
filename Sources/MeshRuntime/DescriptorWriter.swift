import Glibc

/// Writes whole buffers to a descriptor with `write(2)`.
///
/// `FileHandle.write` traps on any write error (a full disk, a closed pipe, `2>/dev/full`), which ends
/// the process with SIGILL. These calls report the error instead, and the caller decides what to drop.
public enum DescriptorWriter {
    /// Writes every byte of `bytes` to `descriptor`, retrying after EINTR and after partial writes.
    ///
    /// - Returns: nil when every byte was written, else the errno of the write that failed. Bytes written
    ///   before the failure stay written.
    @discardableResult
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
        write(descriptor, bytes).failure
    }

    /// Writes like `writeAll`, and also returns how many bytes were written before any failure.
    public static func write(_ descriptor: Int32, _ bytes: [UInt8]) -> (written: Int, failure: Int32?) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                // A write of more than 0 bytes that returns 0 would repeat forever.
                return (offset, written < 0 ? errno : EIO)
            }
        }
        return (offset, nil)
    }

    /// Writes `text` and a newline to standard error, ignoring failures; for the few messages written
    /// before a logger exists.
    public static func printError(_ text: String) {
        writeAll(2, Array((text + "\n").utf8))
    }
}
