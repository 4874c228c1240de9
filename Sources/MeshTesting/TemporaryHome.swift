import Foundation
import MeshRuntime

/// A prepared mesh home under the system's temporary folder, removed with everything in it when the
/// object is released.
public final class TemporaryHome: Sendable {
    public let home: MeshHome

    /// Prepares a home named `prefix` followed by a random suffix.
    public init(_ prefix: String) throws {
        home = MeshHome(
            root: NSTemporaryDirectory() + prefix + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: home.root)
    }
}
