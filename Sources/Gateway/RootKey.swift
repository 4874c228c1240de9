import Foundation
import MeshRuntime
import MeshStore

/// The operator's root API key: created on first start, written to `root.key` in the mesh home with
/// mode 0600, and stored only as a hash.
struct RootKey {
    let hash: String

    /// Loads the root key's hash, creating the key when the home has none.
    ///
    /// When `root.key` exists its hash becomes the stored one, so an operator can place a key there.
    /// When neither exists a new key is generated. When only the hash exists (the file was deleted),
    /// a new key replaces it, because nobody could use the old one.
    static func ensure(home: MeshHome, store: Database, clock: MeshClock) throws -> RootKey {
        let path = home.rootKeyPath
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard key.hasPrefix("tmr_"), key.count > 20 else {
                throw RuntimeFailure("\(path) does not hold a root key (tmr_...); delete it and restart to create a new one")
            }
            let hash = SecretHash.sha256Hex(key)
            try save(hash: hash, store: store, clock: clock)
            return RootKey(hash: hash)
        }

        let key = "tmr_" + SecretHash.randomHex(bytes: 24)
        try writeOwnerOnly(path: path, contents: key + "\n")
        let hash = SecretHash.sha256Hex(key)
        try save(hash: hash, store: store, clock: clock)
        return RootKey(hash: hash)
    }

    private static func save(hash: String, store: Database, clock: MeshClock) throws {
        let now = clock.nowMs()
        try store.writeSync { connection in
            try connection.execute("DELETE FROM root_keys WHERE key_hash <> ?", [.text(hash)])
            try connection.execute(
                "INSERT OR IGNORE INTO root_keys (key_id, key_hash, created_at_ms) VALUES ('root', ?, ?)",
                [.text(hash), .integer(now)]
            )
        }
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
