import Foundation
import MeshProtocol

extension MeshClient {
    /// Reads the root API key that a mesh stores in `<home>/root.key`, without its line break.
    ///
    /// - Parameter home: the mesh's home folder; when nil, `MESH_HOME`, or `.mesh` when that is unset,
    ///   as for `mesh up`.
    /// - Throws: UNAUTHENTICATED naming the path when the file cannot be read or contains no key.
    public static func readRootKey(home: String? = nil) throws(RPCError) -> String {
        let environment = ProcessInfo.processInfo.environment["MESH_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        let folder = home ?? environment ?? ".mesh"
        let path = (folder as NSString).appendingPathComponent("root.key")
        let remedy = "start the mesh with `mesh up` or point MESH_HOME at its home folder"

        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RPCError(
                .unauthenticated, "could not read the root key at \(path): \(error.localizedDescription); \(remedy)",
                details: ["path": .string(path)])
        }

        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else {
            throw RPCError(
                .unauthenticated, "the root key file \(path) is empty; \(remedy)", details: ["path": .string(path)])
        }
        return key
    }
}
