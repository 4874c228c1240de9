import Foundation
import MeshRuntime

/// A prepared mesh home under /tmp with a random name, for one test.
struct ScratchHome {
    let home: MeshHome

    init(_ prefix: String) throws {
        home = MeshHome(root: "/tmp/\(prefix)-" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        try home.prepare()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: home.root)
    }
}
