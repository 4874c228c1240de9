/// The rule that puts the pages of `companies.exportPage` back together.
public enum ExportPages {
    /// Adds one page to `document`: lists get the page's rows appended, objects are merged member by
    /// member, and other members are taken from the page.
    public static func merge(_ page: [String: JSONValue], into document: inout [String: JSONValue]) {
        for (name, value) in page {
            switch (document[name], value) {
            case (.array(let earlier)?, .array(let more)):
                document[name] = .array(earlier + more)
            case (.object(var earlier)?, .object(let more)):
                merge(more, into: &earlier)
                document[name] = .object(earlier)
            default:
                document[name] = value
            }
        }
    }
}
