import Foundation
import MeshProtocol
import TenantModel

/// Validation of the plain values methods receive, each failure an INVALID_ARGUMENT naming the field.
enum InputCheck {
    /// Returns `value` trimmed (see `trimmed(_:)`). Empty text and text longer than `maximum` characters
    /// are invalid.
    static func text(_ value: String, field: String, maximum: Int = 200) throws -> String {
        let trimmed = trimmed(value)
        guard !trimmed.isEmpty else {
            throw RPCError.invalidArgument(field: field, "\(field) is empty; pass a non-empty text")
        }
        if let problem = lineProblem(trimmed, field: field) {
            throw RPCError.invalidArgument(field: field, problem)
        }
        guard trimmed.unicodeScalars.count <= maximum else {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) has \(trimmed.unicodeScalars.count) characters; shorten it to at most \(maximum)"
            )
        }
        return trimmed
    }

    /// Returns `value` without surrounding white space and in Unicode normalization form C, so an accented
    /// letter is stored the same way whether it arrived as one code point or as a letter plus a combining
    /// mark.
    static func trimmed(_ value: String) -> String {
        // ASCII text is already in form C, and its white space is these six bytes, so it needs neither
        // Foundation's string bridging nor its Unicode tables.
        let bytes = value.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
            guard let first = bytes.firstIndex(where: { !isSpace($0) }),
                let last = bytes.lastIndex(where: { !isSpace($0) })
            else {
                return ""
            }
            return String(value[first...last])
        }
        return value.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
    }

    /// Returns why `text` cannot be a one-line name or title, or nil when it can.
    ///
    /// Names and titles end up in lists, email headers and terminals, so control characters (line
    /// breaks, tabs, escape sequences) and the invisible marks that reorder text (bidirectional
    /// overrides) are refused there. Descriptions may hold line breaks and are not checked this way.
    static func lineProblem(_ text: String, field: String) -> String? {
        controlCharacter(in: text).map { "\(field) contains \($0); use one line of visible text" }
    }

    /// Describes the first character in `text` that a name may not have, by kind and `U+XXXX`, or returns
    /// nil when there is none: a control character, a line or paragraph separator, a bidirectional
    /// control or an invisible mark.
    ///
    /// With `allowingLineBreaks`, for running text such as a description, only control characters
    /// other than line feeds, carriage returns and tabs are rejected, and the bidirectional embeddings
    /// and overrides (U+202A to U+202E), which can make text display in another order than it is
    /// stored. Scripts such as Thai, Hebrew and Arabic need the invisible marks, the direction marks
    /// (U+200E, U+200F, U+061C) and the isolates (U+2066 to U+2069), so those are kept.
    static func controlCharacter(in text: String, allowingLineBreaks: Bool = false) -> String? {
        let offending = text.unicodeScalars.first { scalar in
            let category = scalar.properties.generalCategory
            if allowingLineBreaks {
                return (category == .control && scalar != "\n" && scalar != "\r" && scalar != "\t")
                    || (0x202A...0x202E).contains(scalar.value)
            }
            return category == .control || category == .lineSeparator || category == .paragraphSeparator
                || String.bidiControls.contains(scalar.value) || invisibleMarks.contains(scalar.value)
        }
        return offending.map { scalar in
            if String.bidiControls.contains(scalar.value) {
                return "the bidirectional control \(scalar.codePoint)"
            }
            if scalar.properties.generalCategory == .control {
                return "the control character \(scalar.codePoint)"
            }
            return "the invisible character \(scalar.codePoint)"
        }
    }

    /// Characters that show nothing and would make two names look the same: the soft hyphen, the
    /// Mongolian vowel separator, the zero-width space, the word joiner and the byte order mark. The
    /// zero-width joiner, which emoji sequences need, is allowed.
    private static let invisibleMarks: Set<UInt32> = [0x00AD, 0x180E, 0x200B, 0x2060, 0xFEFF]

    /// Validates an email address of the shape local@domain.tld and returns it lowercased.
    static func email(_ value: String, field: String) throws -> String {
        let address = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard isEmailShaped(address) else {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) \(String(value.prefix(80)).debugDescription) is not an email address; pass one shaped like name@example.com"
            )
        }
        return address
    }

    static func isEmailShaped(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.count <= 254, parts.count == 2 else {
            return false
        }
        let local = parts[0]
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard !local.isEmpty, local.count <= 64, labels.count >= 2 else {
            return false
        }

        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        // Two dots in a row are not allowed in an unquoted local part (RFC 5322), and relays refuse them.
        guard local.allSatisfy({ localAllowed.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else {
            return false
        }
        for label in labels {
            guard !label.isEmpty, label.allSatisfy({ labelAllowed.contains($0) }), !label.hasPrefix("-"),
                !label.hasSuffix("-")
            else {
                return false
            }
        }
        let topLevel = labels[labels.count - 1]
        return topLevel.count >= 2 && topLevel.allSatisfy(\.isLetter)
    }

    /// Parses a company role name: owner, admin, member or viewer.
    static func role(_ value: String, field: String = "role") throws -> Role {
        guard let role = Role(rawValue: value.lowercased()) else {
            throw RPCError(
                .invalidArgument,
                "\(field) '\(value)' is not a role; use one of owner, admin, member, viewer",
                details: ["field": .string(field), "allowed": ["owner", "admin", "member", "viewer"]]
            )
        }
        return role
    }
}
