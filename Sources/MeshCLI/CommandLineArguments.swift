/// The arguments of one command: positional values and `--name value` / `--flag` options.
struct CommandLineArguments {
    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// Splits `arguments`. Options named in `valued` take the next argument as their value.
    init(_ arguments: [String], valued: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    options[String(name[..<equals])] = String(name[name.index(after: equals)...])
                } else if valued.contains(name) {
                    guard index + 1 < arguments.count else {
                        throw UsageError("option --\(name) needs a value")
                    }
                    options[name] = arguments[index + 1]
                    index += 1
                } else {
                    flags.insert(name)
                }
            } else {
                positional.append(argument)
            }
            index += 1
        }
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
