import Foundation
import MeshProtocol

/// Writing to standard output and standard error.
enum Terminal {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `value` as indented JSON with sorted keys, for people to read.
    static func pretty(_ value: JSONValue) -> String {
        let compact = Data(JSONWriter.serialize(value))
        guard let object = try? JSONSerialization.jsonObject(with: compact, options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]),
            let text = String(data: data, encoding: .utf8)
        else {
            return JSONWriter.string(value)
        }
        return text.replacingOccurrences(of: "\\/", with: "/")
    }

    /// An error as the CLI shows it: status, message, and details when present.
    static func describe(_ error: RPCError) -> String {
        var text = "error \(error.status.name) (\(error.status.code)): \(error.message)"
        if let details = error.details {
            text += "\ndetails: " + pretty(details)
        }
        if let retryAfter = error.retryAfterMs {
            text += "\nretry after: \(retryAfter) ms"
        }
        return text
    }
}
