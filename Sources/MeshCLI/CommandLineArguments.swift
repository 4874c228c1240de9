import MeshProtocol

/// The arguments of one command: positional values and `--name value` / `--flag` options.
struct CommandLineArguments {
    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// Splits `arguments`. Options named in `valued` take the next argument as their value, and those
    /// named in `flags` take none. Any other `--name` is a mistake, reported instead of ignored.
    init(_ arguments: [String], valued: Set<String>, flags known: Set<String> = []) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    let key = String(name[..<equals])
                    if known.contains(key) {
                        throw UsageError("option --\(key) takes no value; write --\(key) alone")
                    }
                    guard valued.contains(key) else {
                        throw Self.unknown(key, valued: valued, flags: known)
                    }
                    options[key] = String(name[name.index(after: equals)...])
                } else if valued.contains(name) {
                    guard index + 1 < arguments.count else {
                        throw UsageError("option --\(name) needs a value")
                    }
                    options[name] = arguments[index + 1]
                    index += 1
                } else if known.contains(name) {
                    flags.insert(name)
                } else {
                    throw Self.unknown(name, valued: valued, flags: known)
                }
            } else if argument.count > 1 && argument.hasPrefix("-") && Double(argument) == nil {
                // No option has a one-letter form, so `-k` is a mistake, not a value; `-` and `-5` are values.
                throw Self.unknown(String(argument.dropFirst()), valued: valued, flags: known, written: argument)
            } else {
                positional.append(argument)
            }
            index += 1
        }
    }

    private static func unknown(
        _ name: String,
        valued: Set<String>,
        flags: Set<String>,
        written: String? = nil
    ) -> UsageError {
        let accepted = (valued.map { "--\($0) VALUE" } + flags.map { "--\($0)" }).sorted()
        let list =
            accepted.isEmpty ? "this command takes no options" : "its options are " + accepted.joined(separator: ", ")
        // `-test-clock` names a real option with one dash too few.
        let meant =
            valued.union(flags).contains(name) ? name : NameSuggestion.closest(to: name, among: valued.union(flags))
        let hint = meant.map { " (did you mean --\($0)?)" } ?? ""
        return UsageError("unknown option \(written ?? "--" + name)\(hint); \(list)")
    }

    /// Throws when more than `count` positional arguments were given, naming the first extra one.
    func allowPositional(atMost count: Int, command: String) throws(UsageError) {
        guard positional.count > count else {
            return
        }
        throw UsageError("unexpected argument '\(positional[count])' for `mesh \(command)`")
    }

    func option(_ name: String) -> String? {
        options[name]
    }

    func flag(_ name: String) -> Bool {
        flags.contains(name)
    }
}

/// A mistake in how a command was called; the CLI prints it with the usage and exits 64.
struct UsageError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
