import CCrypto
import Foundation
import Glibc
import MeshProtocol

/// The seal of the cursors of paged lists, so that a client can neither read nor forge them.
///
/// A cursor often contains a sequence number that every company's rows share (audit entries, messages,
/// billing history). Read in the clear, the gap between two of a company's cursors would tell it how
/// much other companies did meanwhile. Sealed with ChaCha20-Poly1305 under a key kept in the mesh
/// home, a cursor reveals nothing, and one changed by hand, or taken from another company's list, fails
/// to open. The key lives in `data/cursor.key`, shared by the processes of a home, since a cursor
/// from one may be opened by another, and kept across restarts, so cursors outlive them.
public struct CursorSeal: Sendable {
    private let key: [UInt8]

    static let keyBytes = 32
    static let nonceBytes = 12
    static let tagBytes = 16
    /// The start of every sealed cursor, which sets it apart from other text.
    static let prefix = "c1."
    /// The unit a cursor's plain text is padded to, and the byte it is padded with.
    static let block = 128
    static let padding = UInt8(ascii: " ")

    init(key: [UInt8]) {
        precondition(key.count == Self.keyBytes, "a cursor key has \(Self.keyBytes) bytes")
        self.key = key
    }

    /// Returns the seal of `home`, creating its key file when the home has none.
    ///
    /// - Throws: RuntimeFailure naming the file when it cannot be created or read.
    public static func forHome(_ home: MeshHome) throws -> CursorSeal {
        let path = home.cursorKeyPath
        for _ in 0..<50 {
            guard let data = FileManager.default.contents(atPath: path) else {
                _ = try createKey(path)
                continue
            }
            if data.count == keyBytes {
                return CursorSeal(key: Array(data))
            }
            guard data.count < keyBytes else {
                break
            }
            // Another process created the file and is still writing it.
            usleep(20_000)
        }
        throw RuntimeFailure(
            "\(path) does not contain a \(keyBytes)-byte cursor key; remove it while the mesh is stopped, and the next "
                + "start writes a new one (cursors handed out before then stop working)")
    }

    /// Returns `plain` sealed for `context`, which a cursor must be opened with: the method and the
    /// company, for example, so that a cursor works only where it was made.
    public func seal(_ plain: String, context: String) -> String {
        var nonce = [UInt8](repeating: 0, count: Self.nonceBytes)
        var generator = SystemRandomNumberGenerator()
        for index in nonce.indices {
            nonce[index] = generator.next()
        }
        // Padded to a multiple of 128 bytes, so that a cursor's length reveals nothing of how many digits
        // its numbers have.
        var plainBytes = Array(plain.utf8)
        plainBytes += [UInt8](repeating: Self.padding, count: (Self.block - plainBytes.count % Self.block) % Self.block)
        let associated = Array(context.utf8)
        var sealed = [UInt8](repeating: 0, count: plainBytes.count + Self.tagBytes)
        ccrypto_seal(key, nonce, associated, associated.count, plainBytes, plainBytes.count, &sealed)

        return Self.prefix + Self.base64URL(nonce + sealed)
    }

    /// Returns what `seal` sealed for `context`, or nil when `text` is no cursor of this mesh for it.
    public func open(_ text: String, context: String) -> String? {
        // Only the one spelling `seal` writes is accepted, not other base64 text of the same bytes.
        let encoded = String(text.dropFirst(Self.prefix.count))
        guard text.hasPrefix(Self.prefix), let bytes = Self.fromBase64URL(encoded),
            bytes.count >= Self.nonceBytes + Self.tagBytes, Self.base64URL(bytes) == encoded
        else {
            return nil
        }
        let nonce = Array(bytes[..<Self.nonceBytes])
        let sealed = Array(bytes[Self.nonceBytes...])
        let length = sealed.count - Self.tagBytes
        let associated = Array(context.utf8)
        var plain = [UInt8](repeating: 0, count: max(length, 1))

        guard ccrypto_open(key, nonce, associated, associated.count, sealed, length, &plain) == 1 else {
            return nil
        }
        var end = length
        while end > 0 && plain[end - 1] == Self.padding {
            end -= 1
        }
        return String(decoding: plain.prefix(end), as: UTF8.self)
    }

    /// Returns the cursor of a page of `method` for company `companyID` that ends at row `sequence` of a
    /// sequence that every company's rows share.
    public func sequenceCursor(_ sequence: Int64, method: String, companyID: String) -> String {
        seal(String(sequence), context: method + "\n" + companyID)
    }

    /// Returns the sequence number inside a cursor that `sequenceCursor` made for `method` and company
    /// `companyID`, or nil when `cursor` is nil (the first page).
    ///
    /// - Throws: INVALID_ARGUMENT for any other text, one changed by hand, or a cursor of another
    ///   method or company.
    public func sequence(_ cursor: String?, method: String, companyID: String) throws(RPCError) -> Int64? {
        guard let cursor else {
            return nil
        }
        guard let plain = open(cursor, context: method + "\n" + companyID), let sequence = Int64(plain),
            sequence > 0
        else {
            throw Self.invalid(cursor, method: method, ofCompany: !companyID.isEmpty)
        }
        return sequence
    }

    /// Returns the INVALID_ARGUMENT error for a cursor that is not one `method` returned, for the company
    /// when the list is one company's (`ofCompany`), not root's list across companies.
    public static func invalid(_ cursor: String, method: String, ofCompany: Bool = true) -> RPCError {
        RPCError.invalidArgument(
            field: "cursor",
            "cursor '\(cursor.clipped(to: 40))' is not one \(method) returned\(ofCompany ? " for this company" : ""); "
                + "pass next_cursor from the previous page unchanged, or omit it for the first page")
    }

    /// Creates the key file with new random bytes, owner-only, and returns true; returns false when
    /// another process created it first.
    private static func createKey(_ path: String) throws -> Bool {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST {
                return false
            }
            throw RuntimeFailure(
                "cannot create the cursor key \(path): \(String(cString: strerror(errno))); check that the mesh "
                    + "home's data folder is writable")
        }
        defer { close(descriptor) }

        var generator = SystemRandomNumberGenerator()
        let key = (0..<keyBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, keyBytes) }
        guard written == keyBytes, fsync(descriptor) == 0 else {
            throw RuntimeFailure(
                "cannot write the cursor key \(path): \(String(cString: strerror(errno))); check the disk")
        }
        return true
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func fromBase64URL(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return nil
        }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map { Array($0) }
    }
}
