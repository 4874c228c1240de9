/// A plain-text email rendered as an RFC 5322 message: the content of one `.eml` file.
///
/// Header values that are not printable ASCII become RFC 2047 encoded-words, long headers are folded,
/// and every line of the result ends in CRLF. The body is sent as UTF-8 with 8bit transfer encoding,
/// so it is kept under 998 octets a line.
public struct EmailMessage: Sendable, Hashable {
    /// The domain of every `Message-ID`; `.invalid` is reserved and can never resolve.
    public static let idDomain = "tenantmesh.invalid"

    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    /// The `Date` header, in milliseconds since the Unix epoch.
    public var dateMs: Int64
    /// The left part of `Message-ID`, for example `msg_3f9c…`; `@tenantmesh.invalid` is appended.
    public var messageID: String
    public var body: String

    public init(from: Mailbox = .sender, to: Mailbox, subject: String, dateMs: Int64, messageID: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.dateMs = dateMs
        self.messageID = messageID
        self.body = body
    }

    /// The header fields in the order they are written, values encoded but not folded.
    public var headerFields: [(name: String, value: String)] {
        [
            ("From", Self.mailbox(from)),
            ("To", Self.mailbox(to)),
            ("Subject", HeaderText.unstructured(subject)),
            ("Date", EmailDate.rfc5322(dateMs)),
            ("Message-ID", "<" + Self.idLeftPart(messageID) + "@" + Self.idDomain + ">"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "8bit"),
        ]
    }

    /// Renders the whole message: folded headers, an empty line and the body, all with CRLF line endings.
    public func rendered() -> String {
        var text = ""
        for field in headerFields {
            text += HeaderText.field(field.name, field.value) + "\r\n"
        }
        text += "\r\n"
        text += Self.normalizedBody(body)
        return text
    }

    static func mailbox(_ mailbox: Mailbox) -> String {
        let name = HeaderText.displayName(mailbox.name)
        return name.isEmpty ? "<" + mailbox.address + ">" : name + " <" + mailbox.address + ">"
    }

    /// Keeps only characters that are valid in the left part of a message id.
    static func idLeftPart(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".utf8)
        let kept = String(decoding: text.utf8.filter { allowed.contains($0) }, as: UTF8.self)
        return kept.isEmpty ? "message" : kept
    }

    /// Returns the body with every line break as CRLF, lines cut at character boundaries to at most
    /// 998 octets, and a final CRLF.
    static func normalizedBody(_ body: String) -> String {
        var lines: [String] = []
        var current = ""
        var currentLength = 0

        for character in body {
            if character == "\r\n" || character == "\n" || character == "\r" {
                lines.append(current)
                current = ""
                currentLength = 0
                continue
            }
            let length = character.utf8.count
            if currentLength + length > HeaderText.maximumLineLength {
                lines.append(current)
                current = ""
                currentLength = 0
            }
            current.append(character)
            currentLength += length
        }
        if !current.isEmpty {
            lines.append(current)
        }

        return lines.map { $0 + "\r\n" }.joined()
    }
}
