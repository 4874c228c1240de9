import Foundation

/// Turns the protocol's test vectors into seed inputs for the fuzzer.
///
/// `scripts/fuzz` sets `MESH_FUZZ_VECTORS` to the vectors folder and `MESH_FUZZ_SEED_OUTPUT` to an
/// empty folder. Each payload of `envelope.json` and `jsonrpc-spec-examples.json` becomes two seeds,
/// the payload itself and a framed stream, and each input of `frames.json` becomes a stream seed. A
/// stream seed starts with the byte that `StreamChecks` reads as its control byte.
enum SeedWriter {
    static func writeIfRequested() {
        let environment = ProcessInfo.processInfo.environment
        guard let vectors = environment["MESH_FUZZ_VECTORS"], let output = environment["MESH_FUZZ_SEED_OUTPUT"] else {
            return
        }
        do {
            let count = try write(from: vectors, to: output)
            print("fuzz: wrote \(count) seeds from \(vectors) to \(output)")
        } catch {
            print("fuzz: could not write seeds from \(vectors): \(error); check that the folder holds the vector files")
            exit(2)
        }
    }

    static func write(from vectors: String, to output: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var seeds: [String: [UInt8]] = [:]

        for file in ["envelope.json", "jsonrpc-spec-examples.json"] {
            for vector in try cases(vectors + "/" + file) {
                let name = vector["name"]?.stringValue ?? "unnamed"
                let payload = vector["payload"]?.stringValue.map { Array($0.utf8) } ?? vector["payload_hex"]?.stringValue.flatMap(bytes(hex:))
                guard let payload else {
                    continue
                }
                seeds["payload-\(name)"] = payload
                seeds["stream-\(name)"] = [0x07] + FrameEncoder.frame(payload)
            }
        }
        for vector in try cases(vectors + "/frames.json") {
            if let name = vector["name"]?.stringValue, let input = vector["input_hex"]?.stringValue.flatMap(bytes(hex:)) {
                seeds["stream-\(name)"] = [0x03] + input
            }
        }

        for (name, seed) in seeds {
            let path = output + "/" + name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.reduce("") { $0 + String($1) }
            guard FileManager.default.createFile(atPath: path, contents: Data(seed)) else {
                throw SeedError(message: "could not write \(path)")
            }
        }
        return seeds.count
    }

    private static func cases(_ path: String) throws -> [JSONValue] {
        let document = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        guard let cases = document["cases"]?.arrayValue else {
            throw SeedError(message: "\(path) has no cases array")
        }
        return cases
    }

    private static func bytes(hex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else {
            return nil
        }
        var output: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let pair = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                return nil
            }
            output.append(pair)
        }
        return output
    }
}

struct SeedError: Error, CustomStringConvertible {
    let message: String

    var description: String { message }
}
