import Glibc
import MeshRuntime

/// The folder `.eml` files are written to, one file per email message, named `<message_id>.eml`.
///
/// A file is written whole or not at all: the bytes go to a hidden temporary file, which is flushed to
/// disk, renamed over the final name, and the folder is flushed so the rename survives a crash. Readers
/// (a mail relay, a person) only ever see complete files. Files are readable by the owner only,
/// because invitations carry a token.
struct OutboxFolder: Sendable {
    let path: String
    /// Told of each write's outcome, for `rpc.health`.
    var health: OutboxHealth?

    func filePath(_ messageID: String) -> String {
        path + "/" + messageID + ".eml"
    }

    /// Writes `text` as `<messageID>.eml`, replacing a file of that name left by an earlier attempt.
    ///
    /// Throws a `RuntimeFailure` naming the file and the system error. It is not an `RPCError`, so the
    /// event delivery fails as a whole and is retried.
    func write(_ text: String, messageID: String) throws {
        do {
            try writeFile(text, messageID: messageID)
            health?.noteSuccess()
        } catch {
            health?.noteFailure(error)
            throw error
        }
    }

    private func writeFile(_ text: String, messageID: String) throws {
        let final = filePath(messageID)
        let temporary = path + "/." + messageID + ".eml.tmp"

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw failure("create", temporary)
        }
        do {
            try writeAll(Array(text.utf8), to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else {
                throw failure("flush", temporary)
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)

        guard rename(temporary, final) == 0 else {
            let error = failure("rename to \(final)", temporary)
            unlink(temporary)
            throw error
        }
        try syncFolder()
    }

    /// Reads the bytes of `<messageID>.eml`, for the SMTP relay.
    func read(messageID: String) throws -> [UInt8] {
        let file = filePath(messageID)
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure("open", file)
        }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR {
                continue
            }
            guard count >= 0 else {
                throw failure("read", file)
            }
            if count == 0 {
                return bytes
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// Creates the folder (owner-only) when it does not exist yet.
    func prepare() throws {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw failure("create the folder", path)
        }
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0, errno == EINTR {
                continue
            }
            guard written > 0 else {
                throw failure("write", path)
            }
            offset += written
        }
    }

    private func syncFolder() throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure("open the folder", path)
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw failure("flush the folder", path)
        }
    }

    /// Describes a failed step on `path`. A read needs only the file, so its advice differs from a write's.
    private func failure(_ step: String, _ path: String) -> RuntimeFailure {
        let advice =
            step == "open" || step == "read"
            ? "the message's .eml file must stay in the outbox folder until the message is sent; "
                + "if it was moved or deleted, the message cannot be relayed"
            : "check that the outbox folder exists, is writable and has free space"
        return RuntimeFailure("could not \(step) \(path): \(String(cString: strerror(errno))); \(advice)")
    }
}
