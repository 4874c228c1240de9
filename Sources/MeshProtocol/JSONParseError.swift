/// Why a JSON text was rejected, and at which byte offset.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax
        case invalidUTF8
        case depthLimitExceeded
        case numberOutOfRange
        case loneSurrogate
        /// An object names the same member twice. The envelope treats this as an invalid request
        /// rather than a parse error, because the text itself is well-formed JSON.
        case duplicateKey
        case trailingData
        case empty
    }

    public let kind: Kind
    public let offset: Int
    public let message: String

    public init(_ kind: Kind, offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    /// The message with the offset after the problem and before any advice, which follows a "; ".
    public var description: String {
        guard let advice = message.range(of: "; ") else {
            return "\(message) at byte \(offset)"
        }
        return "\(message[..<advice.lowerBound]) at byte \(offset)\(message[advice.lowerBound...])"
    }
}
