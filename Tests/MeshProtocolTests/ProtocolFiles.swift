import Foundation
import MeshProtocol

/// Finds the files the protocol tests read, relative to the package root.
enum ProtocolFiles {
    /// The package root: this file lives in `<root>/Tests/MeshProtocolTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static let vectorsDirectory = packageRoot.appendingPathComponent("protocol/vectors")

    static let specification = packageRoot.appendingPathComponent("protocol/SPEC.md")

    /// The JSON conformance corpus: the folder MESH_JSON_CORPUS names, else the copy kept beside the
    /// package. It may be absent.
    static let jsonCorpus =
        ProcessInfo.processInfo.environment["MESH_JSON_CORPUS"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora/json")

    static var jsonCorpusIsPresent: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: jsonCorpus.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Reads the `cases` array of a vector file with the parser under test, which its own tests cover.
    static func vectorCases(_ fileName: String) throws -> [JSONValue] {
        let url = vectorsDirectory.appendingPathComponent(fileName)
        let document = try JSONParser.parse([UInt8](try Data(contentsOf: url)))
        guard document["format"] == 1, let cases = document["cases"]?.arrayValue else {
            throw VectorFileError(file: fileName, problem: "expected {\"format\": 1, \"cases\": [...]}")
        }
        return cases
    }

    /// Returns the cases of `fileName`, or none when the file cannot be read. The `vectorFileLoads` and
    /// `vectorFilesLoad` tests then fail with the reason.
    static func casesOrEmpty(_ fileName: String) -> [JSONValue] {
        (try? vectorCases(fileName)) ?? []
    }
}

struct VectorFileError: Error, CustomStringConvertible {
    let file: String
    let problem: String

    var description: String { "\(file): \(problem)" }
}

/// Decodes a hex string such as "0000002c7b22", returning nil when the text is not hex.
func bytes(fromHex text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else {
        return nil
    }

    var output: [UInt8] = []
    output.reserveCapacity(digits.count / 2)
    var position = 0
    while position < digits.count {
        guard let high = hexDigit(digits[position]), let low = hexDigit(digits[position + 1]) else {
            return nil
        }
        output.append(high << 4 | low)
        position += 2
    }
    return output
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

private func hexDigit(_ character: UInt8) -> UInt8? {
    switch character {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
    default: return nil
    }
}
