extension String {
    /// Left-to-right and right-to-left marks, embeddings, overrides and isolates: invisible marks that
    /// reorder how the text around them displays.
    public static let bidiControls: Set<UInt32> = [
        0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    ]

    /// The text with every control character (line breaks and tabs excepted) and bidirectional control
    /// written as `<U+XXXX>`, so that text quoted from a client cannot move a terminal's cursor or
    /// reorder the words around it when a message is shown.
    public var displaySafe: String {
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else {
            return self
        }

        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if scalar.isHiddenControl {
                result += "<\(scalar.codePoint)>"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    /// `U+XXXX`, with at least four hex digits.
    public var codePoint: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Whether the scalar is a control character other than a line break or tab, or a bidirectional
    /// control.
    var isHiddenControl: Bool {
        if self == "\n" || self == "\t" {
            return false
        }
        return properties.generalCategory == .control || String.bidiControls.contains(value)
    }
}
