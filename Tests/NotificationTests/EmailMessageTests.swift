import Foundation
import MeshProtocol
import Testing

@testable import Notification

@Suite struct EmailMessageTests {
    func message(name: String = "Olivia Owner", subject: String = "Welcome to TenantMesh", body: String = "Hello\n")
        throws -> EmailMessage
    {
        EmailMessage(
            to: try Mailbox(name: name, address: "olivia@acme.example"),
            subject: subject,
            dateMs: 1_767_225_600_000,
            messageID: "msg_0123456789abcdef0123456789abcdef",
            body: body
        )
    }

    @Test func headersComeInOrderWithTheirValues() throws {
        let email = try ParsedEmail(try message().rendered())

        #expect(
            email.headers.map(\.name) == [
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding",
            ])
        #expect(email.header("From") == "TenantMesh <no-reply@tenantmesh.invalid>")
        #expect(email.header("To") == "Olivia Owner <olivia@acme.example>")
        #expect(email.header("Subject") == "Welcome to TenantMesh")
        #expect(email.header("Date") == "Thu, 01 Jan 2026 00:00:00 +0000")
        #expect(email.header("Message-ID") == "<msg_0123456789abcdef0123456789abcdef@tenantmesh.invalid>")
        #expect(email.header("MIME-Version") == "1.0")
        #expect(email.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(email.header("Content-Transfer-Encoding") == "8bit")
        #expect(email.body == "Hello\r\n")
    }

    @Test func linesEndInCRLFAndStayShort() throws {
        let subject = Array(repeating: "quarterly plan review", count: 8).joined(separator: " ")
        let text = try message(subject: subject, body: "one\ntwo\r\nthree\rfour").rendered()
        let bytes = Array(text.utf8)

        for (index, byte) in bytes.enumerated() {
            if byte == 0x0a {
                #expect(index > 0, "LF at the start of the message")
                #expect(bytes[max(0, index - 1)] == 0x0d, "LF without CR at octet \(index)")
            }
            if byte == 0x0d {
                #expect(index + 1 < bytes.count, "CR at the end of the message")
                #expect(bytes[min(bytes.count - 1, index + 1)] == 0x0a, "CR without LF at octet \(index)")
            }
        }
        #expect(text.hasSuffix("\r\n"))

        let email = try ParsedEmail(text)
        for line in email.rawLines {
            #expect(line.utf8.count <= 78, "header line over 78 octets: \(line)")
            #expect(!line.trimmingCharacters(in: .whitespaces).isEmpty, "whitespace-only folded line")
        }
        #expect(email.header("Subject") == subject)
        #expect(email.body == "one\r\ntwo\r\nthree\r\nfour\r\n")
    }

    @Test func nonASCIIDisplayNameBecomesAnEncodedWord() throws {
        let email = try ParsedEmail(try message(name: "Zoë Ångström").rendered())
        let to = try #require(email.header("To"))

        #expect(to.hasPrefix("=?UTF-8?B?"))
        #expect(to.hasSuffix(" <olivia@acme.example>"))
        #expect(to.utf8.allSatisfy { $0 < 0x80 })
        #expect(EncodedWords.decode(to) == "Zoë Ångström <olivia@acme.example>")
    }

    @Test func longSubjectSplitsAtCharacters() throws {
        let subject = String(repeating: "Überprüfung 🧾 ", count: 9) + "für Zoë"
        let email = try ParsedEmail(try message(subject: subject).rendered())
        let value = try #require(email.header("Subject"))

        let words = value.split(separator: " ")
        #expect(words.count > 1)
        for word in words {
            #expect(word.count <= 75, "encoded-word longer than 75 characters: \(word)")
            let payload = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            #expect(String(data: payload, encoding: .utf8) != nil, "encoded-word splits a character: \(word)")
        }
        #expect(EncodedWords.decode(value) == subject)
        for line in email.rawLines {
            #expect(line.utf8.count <= 78)
        }
    }

    @Test(arguments: [
        ("Olivia Owner", "Olivia Owner <olivia@acme.example>"),
        ("O'Brien, Pat", "\"O'Brien, Pat\" <olivia@acme.example>"),
        ("Say \"hi\"", "\"Say \\\"hi\\\"\" <olivia@acme.example>"),
        ("", "<olivia@acme.example>"),
    ])
    func asciiDisplayNamesArePlainOrQuoted(name: String, expected: String) throws {
        let email = try ParsedEmail(try message(name: name).rendered())
        #expect(email.header("To") == expected)
    }

    @Test func lineBreaksCannotStartHeaders() throws {
        let email = try ParsedEmail(
            try message(name: "Eve\r\nBcc: all@acme.example", subject: "Hi\nBcc: all@acme.example").rendered())

        #expect(email.headers.count == 8)
        #expect(!email.headers.contains { $0.name.lowercased() == "bcc" })
    }

    @Test func longBodyLinesAreCut() throws {
        let text = try message(body: String(repeating: "é", count: 1200)).rendered()
        let email = try ParsedEmail(text)

        let lines = email.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.joined() == String(repeating: "é", count: 1200))
    }

    @Test(arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 +0000"),
        (Int64(1_767_225_600_000), "Thu, 01 Jan 2026 00:00:00 +0000"),
        (Int64(1_709_210_096_000), "Thu, 29 Feb 2024 12:34:56 +0000"),
        (Int64(951_825_600_000), "Tue, 29 Feb 2000 12:00:00 +0000"),
        (Int64(-86_400_000), "Wed, 31 Dec 1969 00:00:00 +0000"),
    ])
    func dateIsRFC5322InUTC(milliseconds: Int64, expected: String) {
        #expect(EmailDate.rfc5322(milliseconds) == expected)
    }

    @Test(arguments: ["ada@example.com", "first.last+tag@mail.example.org", "x@y"])
    func plainAddressesAreAccepted(address: String) throws {
        #expect(try Mailbox(name: "A", address: address).address == address)
    }

    @Test(arguments: [
        "", "no-at-sign", "a b@example.com", "x@y\r\nBcc: z@example.com", "<a@example.com>", "zoë@example.com", "a@",
        "@b", "a@b@c",
    ])
    func headerBreakingAddressesAreRejected(address: String) {
        #expect(throws: RPCError.self) {
            try Mailbox(name: "A", address: address, field: "payload.owner.email")
        }
    }
}
