import Foundation
import MeshProtocol
import Testing

/// Runs the parser over a JSON conformance corpus. Files named `y_*` must parse and `n_*` must be
/// rejected. Files named `i_*` may go either way, and no file may crash the process.
///
/// The corpus lives beside the package and is not part of it. When it is absent, the tests are
/// reported as skipped with the reason, so they never pass silently.
@Suite("JSON conformance corpus")
struct JSONCorpusTests {
    static let files: [String] = {
        guard ProtocolFiles.jsonCorpusIsPresent,
            let names = try? FileManager.default.contentsOfDirectory(atPath: ProtocolFiles.jsonCorpus.path)
        else {
            return []
        }
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    @Test(
        .enabled(if: ProtocolFiles.jsonCorpusIsPresent, "skipped: the JSON conformance corpus was not found; set MESH_JSON_CORPUS to its folder")
    )
    func corpusHasEveryKindOfCase() {
        #expect(Self.files.contains { $0.hasPrefix("y_") })
        #expect(Self.files.contains { $0.hasPrefix("n_") })
        #expect(Self.files.contains { $0.hasPrefix("i_") })
    }

    @Test(
        .enabled(if: ProtocolFiles.jsonCorpusIsPresent, "skipped: the JSON conformance corpus was not found; set MESH_JSON_CORPUS to its folder"),
        arguments: files
    )
    func corpusFile(_ name: String) throws {
        let text = [UInt8](try Data(contentsOf: ProtocolFiles.jsonCorpus.appendingPathComponent(name)))
        let outcome = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(text) }

        switch (name.prefix(2), outcome) {
        case ("y_", .failure(let error)) where error.kind != .duplicateKey:
            Issue.record("\(name) must parse: \(error)")
        case ("n_", .success(let value)):
            Issue.record("\(name) must be rejected, but parsed as \(value.typeName)")
        default:
            // i_ files may go either way; reaching this line means the parser returned without crashing.
            break
        }
    }
}
