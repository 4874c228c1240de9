extension JSONWriter {
    /// Writes indented JSON for people to read: two spaces per level, `"name": value`, members sorted
    /// like `serialize`, and `[]` or `{}` for an empty array or object. Scalars are written as
    /// `serialize` writes them.
    public static func pretty(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        appendPretty(value, depth: 0, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendPretty(_ value: JSONValue, depth: Int, to output: inout [UInt8]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                output.append(contentsOf: position == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                indent(depth + 1, to: &output)
                appendPretty(element, depth: depth + 1, to: &output)
            }
            output.append(0x0A)
            indent(depth, to: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            for (position, (key, member)) in members.sorted(by: { precedes($0.key, $1.key) }).enumerated() {
                output.append(contentsOf: position == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                indent(depth + 1, to: &output)
                appendString(key, to: &output)
                output.append(contentsOf: ": ".utf8)
                appendPretty(member, depth: depth + 1, to: &output)
            }
            output.append(0x0A)
            indent(depth, to: &output)
            output.append(UInt8(ascii: "}"))
        default:
            append(value, to: &output)
        }
    }

    private static func indent(_ depth: Int, to output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }
}
