import Foundation
import MeshRuntime
import MeshStore

/// The operator's root API key: created on first start, written to `root.key` in the mesh home with
/// mode 0600, and stored only as a hash.
struct RootKey {
    let hash: String

    /// Loads the root key's hash, creating the key when the home has none.
    ///
    /// When `root.key` exists, its hash becomes the stored one, so an operator can place a key there. A
    /// file that others may read is set to mode 0600 first, with a warning. When neither exists, a new key
    /// is generated. When only the hash exists (the file was deleted), a new key replaces it, because the
    /// old key is no longer on disk for an operator to use, and a warning reports that it stopped working.
    ///
    /// - Throws: when `root.key` exists but cannot be read, naming the errno and the fix.
    static func ensure(home: MeshHome, store: Database, clock: MeshClock, logger: Logger) throws -> RootKey {
        let path = home.rootKeyPath
        if let text = try readKeyFile(path, logger: logger) {
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let suffix = key.dropFirst(4)
            guard key.hasPrefix("tmr_"), suffix.count >= 17,
                suffix.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
            else {
                throw RuntimeFailure(
                    "\(path) does not hold a root key: one is tmr_ followed by at least 17 printable ASCII "
                        + "characters without spaces; fix it, or delete it and restart to create a new one")
            }
            let hash = SecretHash.sha256Hex(key)
            try save(hash: hash, store: store, clock: clock)
            return RootKey(hash: hash)
        }

        let key = "tmr_" + SecretHash.randomHex(bytes: 24)
        try writeOwnerOnly(path: path, contents: key + "\n")
        let hash = SecretHash.sha256Hex(key)
        if try save(hash: hash, store: store, clock: clock) > 0 {
            logger.warning(
                "root_key.replaced",
                [
                    "path": path,
                    "reason": "root.key was missing; a new root key was written and the old one no longer works",
                ]
            )
        }
        return RootKey(hash: hash)
    }

    /// Stores `hash` as the only root key and returns how many other keys it revoked.
    @discardableResult
    private static func save(hash: String, store: Database, clock: MeshClock) throws -> Int {
        let now = clock.nowMs()
        return try store.writeSync { connection in
            try connection.execute("DELETE FROM root_keys WHERE key_hash <> ?", [.text(hash)])
            let revoked = connection.changes
            try connection.execute(
                "INSERT OR IGNORE INTO root_keys (key_id, key_hash, created_at_ms) VALUES ('root', ?, ?)",
                [.text(hash), .integer(now)]
            )
            return revoked
        }
    }

    /// Reads the text of `path`, or returns nil when there is no such file. A file that other users may
    /// read is set to mode 0600 first.
    private static func readKeyFile(_ path: String, logger: Logger) throws -> String? {
        // O_NONBLOCK keeps a FIFO at the path from blocking the open until a writer comes.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT {
                return nil
            }
            throw unreadable(path, errno: errno)
        }
        defer { close(descriptor) }

        try restrictMode(descriptor, path: path, logger: logger)

        // A key is about 50 bytes, so 4 KiB are enough to tell a key from anything else.
        var bytes = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got > 0 {
                count += got
            } else if got == 0 {
                break
            } else if errno != EINTR {
                throw unreadable(path, errno: errno)
            }
        }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }

    /// Rejects anything but a regular file, and sets a key file whose mode lets other users read it to
    /// 0600, with a warning.
    private static func restrictMode(_ descriptor: Int32, path: String, logger: Logger) throws {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw unreadable(path, errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let kind = status.st_mode & S_IFMT == S_IFDIR ? "a folder" : "not a regular file"
            throw RuntimeFailure(
                "could not read \(path): it is \(kind); move it away and restart the gateway to create a new root "
                    + "key (the old one then stops working), or put the key file there")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 != 0 else {
            return
        }

        let was = "0" + String(mode, radix: 8)
        guard fchmod(descriptor, 0o600) == 0 else {
            throw RuntimeFailure(
                "\(path) has mode \(was), so other users may read the root key, and setting it to 0600 failed: "
                    + "\(String(cString: strerror(errno))); run chmod 600 \(path) as its owner")
        }
        logger.warning("root_key.mode_fixed", ["path": path, "was": was, "now": "0600"])
    }

    private static func unreadable(_ path: String, errno code: Int32) -> RuntimeFailure {
        RuntimeFailure(
            "could not read \(path): \(String(cString: strerror(code))); make it a file readable by the user that "
                + "runs the mesh (chown it to that user, chmod 600), or delete it to create a new root key "
                + "(the old one then stops working)")
    }

    /// Creates `path` with mode 0600 from the first byte on, so the key is never readable by others.
    private static func writeOwnerOnly(path: String, contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RuntimeFailure("could not create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }

        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw RuntimeFailure("could not write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
