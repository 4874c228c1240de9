import Foundation
import MeshRuntime

/// Reads what the service left in a mesh home: `.eml` files and the raw bytes of its database files.
struct OutboxReader {
    let home: MeshHome

    /// Lists the names of the `.eml` files in the outbox, sorted.
    func emlNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory).filter { $0.hasSuffix(".eml") }
            .sorted()
    }

    /// Lists every file in the outbox, including temporary ones.
    func allNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home.outboxDirectory).sorted()
    }

    func text(_ name: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: home.outboxDirectory + "/" + name))
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the bytes of the database, its WAL and its shared-memory file, whichever exist.
    func databaseBytes(_ process: String) -> [(path: String, bytes: Data)] {
        let base = home.databasePath(process)
        return [base, base + "-wal", base + "-shm"].compactMap { path in
            (try? Data(contentsOf: URL(fileURLWithPath: path))).map { (path, $0) }
        }
    }

    /// Returns whether `text` occurs in any of the database files.
    func databaseContains(_ text: String, process: String = "notification") -> Bool {
        let needle = Data(text.utf8)
        return databaseBytes(process).contains { $0.bytes.range(of: needle) != nil }
    }
}

/// An `.eml` file split into its header fields (unfolded) and body.
struct ParsedEmail {
    let rawLines: [String]
    let headers: [(name: String, value: String)]
    let body: String

    init(_ text: String) throws {
        guard let split = text.range(of: "\r\n\r\n") else {
            throw ParseFailure("no empty CRLF line between headers and body")
        }
        rawLines = text[..<split.lowerBound].components(separatedBy: "\r\n")

        var headers: [(name: String, value: String)] = []
        for line in rawLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                guard let last = headers.popLast() else {
                    throw ParseFailure("continuation line before any header: \(line)")
                }
                headers.append((last.name, last.value + line))
                continue
            }
            guard let colon = line.firstIndex(of: ":"), line[line.index(after: colon)...].hasPrefix(" ") else {
                throw ParseFailure("header line without 'Name: value': \(line)")
            }
            headers.append((String(line[..<colon]), String(line[line.index(colon, offsetBy: 2)...])))
        }
        self.headers = headers
        body = String(text[split.upperBound...])
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    struct ParseFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// Decodes RFC 2047 "B" encoded-words in UTF-8 and drops the whitespace between adjacent ones.
enum EncodedWords {
    static func decode(_ value: String) -> String {
        var output = ""
        var previousWasEncoded = false
        for token in value.split(separator: " ", omittingEmptySubsequences: false) {
            if token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?="),
                let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2)))
            {
                if !output.isEmpty, !previousWasEncoded {
                    output += " "
                }
                output += String(decoding: data, as: UTF8.self)
                previousWasEncoded = true
                continue
            }
            if !output.isEmpty {
                output += " "
            }
            output += token
            previousWasEncoded = false
        }
        return output
    }
}
