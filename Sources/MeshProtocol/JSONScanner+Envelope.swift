/// The members of one request object, read straight from the bytes.
///
/// The hot path of every process decodes `{"jsonrpc":"2.0","id":1,"method":"rpc.ping"}`: reading the
/// five known members into fields, instead of building a dictionary, saves the hashing and allocation
/// of one per request. Validation is the same as for a request inside a batch.
struct EnvelopeMembers {
    var jsonrpc: JSONValue?
    var method: JSONValue?
    var id: JSONValue?
    var params: JSONValue?
    var meta: JSONValue?
    /// The first member name that is not one of the five, in text order.
    var unknown: String?

    init() {}

    /// Reads the members of an already parsed request object.
    init(_ members: [String: JSONValue]) {
        jsonrpc = members["jsonrpc"]
        method = members["method"]
        id = members["id"]
        params = members["params"]
        meta = members["meta"]
        unknown = members.keys.filter { !["jsonrpc", "method", "id", "params", "meta"].contains($0) }.sorted().first
    }
}

extension JSONScanner {
    /// Parses a whole document that starts with `{` as one request object. Syntax errors throw as
    /// from `parseDocument`; a repeated member throws `.duplicateKey` once the text proved well-formed.
    mutating func parseEnvelopeDocument() throws(JSONParseError) -> EnvelopeMembers {
        skipWhitespace()
        try enter()
        index += 1
        var members = EnvelopeMembers()
        var seen = SeenMembers()
        skipWhitespace()

        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            try readMembers(into: &members, seen: &seen)
        }
        depth -= 1

        try finishDocument()
        return members
    }

    private mutating func readMembers(into members: inout EnvelopeMembers, seen: inout SeenMembers) throws(JSONParseError) {
        repeat {
            let (key, keyOffset, value) = try parseMember()
            if !seen.insert(key) {
                noteDuplicate(key, at: keyOffset)
            }
            switch key {
            case "jsonrpc": members.jsonrpc = value
            case "method": members.method = value
            case "id": members.id = value
            case "params": members.params = value
            case "meta": members.meta = value
            default:
                if members.unknown == nil || key < members.unknown! {
                    members.unknown = key
                }
            }
        } while try continueObject()
    }
}

/// Member names seen so far in one request object: flags for the five known names, a set (allocated
/// only when needed) for the rest.
struct SeenMembers {
    private var known: UInt8 = 0
    private var others: Set<String> = []

    /// Records `key`; returns false when it was already seen.
    mutating func insert(_ key: String) -> Bool {
        let bit: UInt8
        switch key {
        case "jsonrpc": bit = 1
        case "method": bit = 2
        case "id": bit = 4
        case "params": bit = 8
        case "meta": bit = 16
        default: return others.insert(key).inserted
        }
        if known & bit != 0 {
            return false
        }
        known |= bit
        return true
    }
}
