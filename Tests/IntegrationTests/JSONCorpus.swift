import Foundation

/// The JSON parser conformance corpus, kept beside the package and not part of it: files named
/// `y_*` must parse, `n_*` must be rejected, and `i_*` may go either way.
enum JSONCorpus {
    /// The package root: this file lives in `<root>/Tests/IntegrationTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The folder MESH_JSON_CORPUS names, else the copy kept beside the package.
    static let directory =
        ProcessInfo.processInfo.environment["MESH_JSON_CORPUS"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora/json")

    static var isPresent: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Reads every `.json` file of the corpus, sorted by name.
    static func files() throws -> [(name: String, bytes: [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
            .sorted()
        return try names.map { name in
            (name, [UInt8](try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }
}
