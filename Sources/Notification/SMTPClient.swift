import CMail
import MeshProtocol
import MeshRuntime

/// Hands one message to the SMTP relay through libcurl's SMTP client.
///
/// libcurl was chosen over a hand-written dialogue because it already handles the parts that are easy
/// to get wrong: EHLO and its fallback to HELO, multi-line replies, dot-stuffing of the message data and
/// the final `.` line. It is loaded only by a process that relays mail (see `Sources/CMail`), and proxy
/// settings of the environment are ignored, so the transfer goes to the loopback relay and nowhere else.
struct SMTPClient: Sendable {
    let relay: MailRelayTarget
    /// The maximum time the whole transfer may take.
    let timeout: Duration

    /// Sends `message` (a whole `.eml` file) from `sender` to `recipient` on a thread of its own, so the
    /// blocking transfer never holds a thread the rest of the process needs.
    func send(_ message: [UInt8], from sender: String, to recipient: String) async -> DeliveryOutcome {
        let url = relay.connectURL
        let milliseconds = Int(timeout.milliseconds)

        return await BlockingThread.run {
            Self.transfer(message, url: url, sender: sender, recipient: recipient, timeoutMs: milliseconds)
        }
    }

    private static func transfer(_ message: [UInt8], url: String, sender: String, recipient: String, timeoutMs: Int)
        -> DeliveryOutcome
    {
        var code = 0
        var error = [CChar](repeating: 0, count: Int(CMAIL_ERROR_SIZE))

        let result = message.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                cmail_smtp_send(url, sender, recipient, text.baseAddress, text.count, timeoutMs, &code, &error)
            }
        }

        if result == 0 {
            return .delivered(status: code)
        }

        let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if result == -3 {
            return .unreachable("no connection to the SMTP relay at \(url) could be made (\(reason))")
        }
        if result == -2 {
            return .uncertain(
                "the connection to the SMTP relay at \(url) failed during or after the message data, before the relay's final reply (\(reason))"
            )
        }
        // A rejection's reply code is clearer than libcurl's wording for it. In SMTP a 5xx reply is a
        // permanent refusal and a 4xx one a temporary refusal.
        if (500..<600).contains(code) {
            return .rejected("the SMTP relay at \(url) refused the message with SMTP reply code \(code)")
        }
        let problem = code >= 400 ? "it answered with SMTP reply code \(code)" : Self.readable(reason)
        return .failed("the SMTP relay at \(url) did not take the message: \(problem)")
    }

    /// Replaces libcurl's wording for a connection the relay closed with plain words.
    private static func readable(_ reason: String) -> String {
        guard reason.hasPrefix("response reading failed") || reason.hasPrefix("Recv failure") else {
            return reason
        }
        return "the relay closed the connection before its reply (\(reason))"
    }
}
