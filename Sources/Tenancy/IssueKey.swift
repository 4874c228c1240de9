import Foundation
import MeshProtocol

/// An issue key such as `TECH-42`: the company's key prefix, a hyphen and the issue number.
public struct IssueKey: Sendable, Hashable {
    /// The key as given, trimmed.
    public let text: String
    public let prefix: String
    public let number: Int64

    public init(prefix: String, number: Int64) {
        self.prefix = prefix
        self.number = number
        self.text = "\(prefix)-\(number)"
    }

    /// Parses `text`, or throws INVALID_ARGUMENT naming `field` when it is not `<PREFIX>-<number>`.
    public init(parsing text: String, field: String = "key") throws(RPCError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let malformed = RPCError(
            .invalidArgument,
            "\(field) '\(text.clipped)' is not an issue key; write it as the company's key prefix, a hyphen and the issue number, for example TECH-42",
            details: ["field": .string(field), "value": .string(text.clipped)]
        )

        guard let hyphen = trimmed.lastIndex(of: "-") else {
            throw malformed
        }
        let prefix = String(trimmed[..<hyphen])
        let digits = trimmed[trimmed.index(after: hyphen)...]
        // Keys are written without leading zeros, so TECH-01 is as malformed as TECH-0.
        guard !prefix.isEmpty, !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            digits.first != "0", let number = Int64(digits), number >= 1
        else {
            throw malformed
        }

        self.text = trimmed
        self.prefix = prefix
        self.number = number
    }
}
