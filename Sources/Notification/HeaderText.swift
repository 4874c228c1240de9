import Foundation

/// Turns text into header values that stay on their own header: control characters removed, anything
/// beyond printable ASCII carried as RFC 2047 encoded-words, long lines folded.
enum HeaderText {
    /// The maximum line length RFC 5322 recommends (78) and the one it requires (998), in octets.
    static let preferredLineLength = 78
    static let maximumLineLength = 998

    /// Raw bytes one `=?UTF-8?B?...?=` word may carry: 39 bytes make 52 base64 characters, so the word is
    /// 64 characters, within RFC 2047's 75, and `Subject: ` plus one word fits in 78.
    static let bytesPerEncodedWord = 39

    /// Replaces line breaks and other control characters with spaces, so a value cannot start a header.
    static func sanitized(_ text: String) -> String {
        String(
            text.map { character in
                character.unicodeScalars.contains { $0.properties.generalCategory == .control } ? " " : character
            })
    }

    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    }

    /// Unstructured text (a Subject) as it goes into the header: unchanged when it is printable ASCII
    /// made of words short enough to fold, otherwise one or more encoded-words separated by spaces.
    static func unstructured(_ text: String) -> String {
        let clean = sanitized(text)
        let longestWord = clean.split(separator: " ").map(\.utf8.count).max() ?? 0
        if isPrintableASCII(clean), longestWord < preferredLineLength - 10, !clean.contains("=?") {
            return clean
        }
        return encodedWords(clean).joined(separator: " ")
    }

    /// Encodes a display name as a phrase: plain for letters, digits and spaces, a quoted string for other
    /// printable ASCII, encoded-words for anything else.
    static func displayName(_ name: String) -> String {
        let clean = sanitized(name).trimmingCharacters(in: .whitespaces)
        if clean.isEmpty {
            return ""
        }
        guard isPrintableASCII(clean), !clean.contains("=?"), clean.utf8.count < preferredLineLength - 10 else {
            return encodedWords(clean).joined(separator: " ")
        }

        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)
        if clean.utf8.allSatisfy({ atext.contains($0) }) {
            return clean
        }
        let escaped = clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escaped + "\""
    }

    /// Encodes text as RFC 2047 "B" encoded-words in UTF-8. Each word contains whole characters (whole
    /// scalars for a character too long for one word), so no word ends inside a multi-byte sequence.
    static func encodedWords(_ text: String) -> [String] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []

        func append(_ bytes: [UInt8]) {
            if current.count + bytes.count > bytesPerEncodedWord, !current.isEmpty {
                chunks.append(current)
                current = []
            }
            current.append(contentsOf: bytes)
        }

        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= bytesPerEncodedWord {
                append(bytes)
                continue
            }
            for scalar in character.unicodeScalars {
                append(Array(String(scalar).utf8))
            }
        }
        if !current.isEmpty {
            chunks.append(current)
        }

        return chunks.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }
    }

    /// `name: value` folded before spaces so lines stay within 78 octets where the text allows.
    ///
    /// A fold never follows a space, so no continuation line is whitespace alone, and removing each
    /// CRLF gives back the unfolded line.
    static func field(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        var rest = Array((name + ": " + value).utf8)
        var minimumBreak = name.utf8.count + 2

        while rest.count > preferredLineLength {
            let canBreak = { (index: Int) in rest[index] == 0x20 && rest[index - 1] != 0x20 && index + 1 < rest.count }

            // The last space that keeps the line within 78 octets, else the first one after it, for a
            // word that is longer than a line on its own.
            let limit = min(rest.count - 1, preferredLineLength)
            let before =
                limit >= minimumBreak ? stride(from: limit, through: minimumBreak, by: -1).first(where: canBreak) : nil
            guard let position = before ?? (max(limit, minimumBreak)..<rest.count).first(where: canBreak) else {
                break
            }
            lines.append(String(decoding: rest[..<position], as: UTF8.self))
            rest = Array(rest[position...])
            minimumBreak = 1
        }
        lines.append(String(decoding: rest, as: UTF8.self))
        return lines.joined(separator: "\r\n")
    }
}
