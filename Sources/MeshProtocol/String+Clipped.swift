extension String {
    /// The maximum bytes of client-chosen text (a member or method name) that an error message repeats.
    public static let clippedBytes = 100

    /// The text as an error message or detail repeats it: whole when it is short, else its first
    /// `clippedBytes` bytes followed by its size, so a huge name cannot make a reply huge.
    public var clipped: String {
        clipped(to: Self.clippedBytes)
    }

    /// Returns the text whole when it has at most `maximum` bytes, else its first `maximum` bytes
    /// followed by `...(N bytes)` with its full size.
    public func clipped(to maximum: Int) -> String {
        let size = utf8.count
        guard size > maximum else {
            return self
        }
        let head = String(decoding: utf8.prefix(maximum), as: UTF8.self)
        return "\(head)...(\(size) bytes)"
    }
}
