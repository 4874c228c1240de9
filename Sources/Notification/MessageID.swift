import MeshRuntime

/// The id of a message, derived from what makes it unique instead of drawn at random.
///
/// The same (event, recipient, channel) always yields the same id. A handler that runs again for the
/// same event (a redelivery after a crash, or a write batch rolled back and replayed) therefore names
/// the same `.eml` file and the same row, and never creates a second one.
public enum MessageID {
    /// `msg_` followed by the first 32 hex digits of SHA-256(`eventID|recipient|channel`).
    public static func derive(eventID: String, recipient: String, channel: MessageChannel) -> String {
        let digest = SecretHash.sha256Hex(eventID + "|" + recipient + "|" + channel.rawValue)
        return "msg_" + digest.prefix(32)
    }

    /// Returns whether `text` has the shape of a derived id.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix("msg_"), text.utf8.count == 36 else {
            return false
        }
        return text.utf8.dropFirst(4).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
