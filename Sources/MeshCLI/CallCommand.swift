import Foundation
import MeshClient
import MeshProtocol
import MeshRuntime
import MeshTransport
import TenantModel

/// `mesh call METHOD [JSON]`: one call through the gateway (or straight to a process with --process).
enum CallCommand {
    static func run(_ raw: [String]) async throws -> Int32 {
        let arguments = try CommandLineArguments(
            raw, valued: ["home", "key", "timeout-ms", "idempotency-key", "process"])
        guard let method = arguments.positional.first else {
            throw UsageError("call needs a method name, for example: mesh call companies.list '{}'")
        }
        try arguments.allowPositional(atMost: 2, command: "call")
        let paramsSource = arguments.positional.dropFirst().first
        let params = try parseParams(
            try paramsText(paramsSource),
            fromArgument: paramsSource.map { $0 != "-" && !$0.hasPrefix("@") } ?? true)
        let home = MeshCommand.home(arguments)
        let timeout = try arguments.option("timeout-ms").map { text throws(UsageError) -> Duration in
            guard let milliseconds = Int64(text), milliseconds >= 0 else {
                throw UsageError(
                    "--timeout-ms must be a whole number of milliseconds from 0 (already expired) to \(Int64.max), not '\(text.clipped)'"
                )
            }
            return .milliseconds(milliseconds)
        }

        let process = arguments.option("process") ?? "gateway"
        guard ProcessCatalog.startOrder.contains(process) else {
            throw ProcessCatalog.unknownProcess(process)
        }
        let socket = home.socketPath(process)
        let options = try LimitVariables.clientOptions(ProcessInfo.processInfo.environment)
        var meta = RequestMeta()
        meta.idempotencyKey = arguments.option("idempotency-key")
        if let timeout {
            meta.setBudget(timeout)
        }

        let keySource: String?
        if process == "gateway" {
            let (key, source) = chooseKey(arguments, home: home)
            meta.apiKey = key
            keySource = source
        } else {
            meta.caller = try directCaller(arguments, home: home)
            keySource = nil
            if !(ProcessInfo.processInfo.environment["MESH_API_KEY"] ?? "").isEmpty {
                // Someone who exported a user's key may expect to act as that user.
                Terminal.error("mesh call: MESH_API_KEY is ignored with --process, which acts as root")
            }
        }

        let loop = try EventLoop(name: "call")
        loop.start()
        let client = RPCClient(path: socket, loop: loop, options: options)
        defer {
            client.close()
            loop.stop()
        }

        do {
            // The wait is a little longer than the budget, so the server's DEADLINE_EXCEEDED arrives first.
            let wait = timeout.map { max($0, .zero) + .milliseconds(500) } ?? .seconds(35)
            let result = try await client.call(method, params: params, meta: meta, timeout: wait)
            Terminal.print(Terminal.pretty(result))
            if paramsSource == nil, StandardInput.hasUnreadInput {
                Terminal.error("mesh call: \(unreadInputNote)")
            }
            return 0
        } catch {
            var text = Terminal.describe(error, socket: socket)
            let keyMatters = process == "gateway" && !Permissions.anonymous.contains(method)
            if keyMatters && (error.status == .unauthenticated || error.status == .permissionDenied) {
                text += "\n" + keyHint(source: keySource, home: home)
            }
            if paramsSource == nil, StandardInput.hasUnreadInput {
                text += "\n" + unreadInputNote
            }
            Terminal.error(text)
            return 1
        }
    }

    /// Returns the caller a call straight to a service acts as: root.
    ///
    /// A service trusts the verified caller that the gateway sends along, and only processes of this
    /// user reach its socket. The CLI acts as root there only for someone who can read the mesh home's
    /// root key, the same person who could call as root through the gateway.
    ///
    /// - Throws: UsageError for `--key` with `--process`; RuntimeFailure when the root key cannot be read,
    ///   which is about the mesh home, not the command line.
    static func directCaller(_ arguments: CommandLineArguments, home: MeshHome) throws -> JSONValue {
        guard arguments.option("key") == nil else {
            throw UsageError(
                "--key works only through the gateway, which checks keys; with --process the call acts as root, "
                    + "so leave out --key or drop --process")
        }
        // A home where no gateway ever ran (one service served alone) has no root key. Its owner is the
        // user the services trust, so that user may act as root on them all the same.
        let keyMissing = access(home.rootKeyPath, F_OK) != 0
        if keyMissing && FileOwner.uid(of: home.runDirectory) == geteuid() {
            return Caller.root.json
        }
        guard readRootKey(home) != nil else {
            let needs = "a call with --process acts as root and needs the root key at \(home.rootKeyPath), which"
            // A key that exists but cannot be read belongs to another user's mesh, which no start would fix.
            if access(home.rootKeyPath, F_OK) == 0 && access(home.rootKeyPath, R_OK) != 0 {
                throw RuntimeFailure(
                    "\(needs) uid \(geteuid()) may not read; only the user that runs the mesh can call its services "
                        + "directly, so call through the gateway with your API key instead")
            }
            // Another user's 0700 home hides its key, which is not the same as a key that is missing.
            if let owner = home.foreignOwner() {
                throw RuntimeFailure(
                    MeshHome.foreignOwner(home.root, owner: owner) + "; other users call through the gateway with "
                        + "their API key")
            }
            let start =
                "start a mesh there with mesh up (or one service with mesh serve NAME), or pass the --home of a running one"
            var status = stat()
            guard stat(home.root, &status) == 0 else {
                throw RuntimeFailure("no mesh home exists at \(home.root); \(start)")
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw RuntimeFailure(
                    "invalid mesh home \(home.root): it is not a folder; pass the --home folder of a mesh")
            }
            guard access(home.runDirectory, F_OK) == 0 else {
                throw RuntimeFailure("no mesh has run in \(home.root), which has no run/ folder; \(start)")
            }
            throw RuntimeFailure(
                "\(needs) could not be read, and run/ there is not yours; start the mesh with mesh up (or one "
                    + "service with mesh serve NAME), or pass the mesh's --home")
        }
        return Caller.root.json
    }

    /// The note for params piped in without the `-` that reads them, which the call then went without.
    static let unreadInputNote =
        "standard input was not read, so the call went without the params piped in; pass - as the params "
        + "argument to read them from it"

    /// Returns the params text: the argument itself, standard input for `-`, or the file named after
    /// `@`, for params too long for a command line.
    static func paramsText(_ argument: String?) throws(UsageError) -> String? {
        guard let argument else {
            return nil
        }
        if argument == "-" {
            // readDataToEndOfFile() traps on a read error (standard input a folder, say); readToEnd() throws.
            do {
                return try standardInputParams(try FileHandle.standardInput.readToEnd() ?? Data())
            } catch let error as UsageError {
                throw error
            } catch {
                // Foundation wraps the errno, which gives the reason (Is a directory, say).
                let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
                let reason = posix.map { String(cString: strerror(Int32($0.code))) } ?? "\(error)"
                throw UsageError(
                    "could not read params from standard input (\(reason)); "
                        + "redirect a file or pipe the JSON in, or pass it as an argument")
            }
        }
        guard argument.hasPrefix("@") else {
            return argument
        }

        let path = String(argument.dropFirst())
        guard let data = FileManager.default.contents(atPath: path) else {
            // FileManager gives no reason, so errno from a plain open names it (No such file, say). A
            // folder opens, so it is named apart.
            var isFolder: ObjCBool = false
            let descriptor = open(path, O_RDONLY)
            let reason =
                descriptor < 0
                ? String(cString: strerror(errno))
                : FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                    ? "Is a directory" : "it could not be read whole"
            if descriptor >= 0 {
                close(descriptor)
            }
            throw UsageError(
                "could not read params from '\(path)' (\(reason)); name a readable file after @, or pass - for "
                    + "standard input")
        }
        return try utf8Text(data, from: "'\(path)'")
    }

    /// Returns `data` as text, or throws naming the first byte that is not UTF-8, which the protocol
    /// rejects. Decoding it leniently would store U+FFFD in place of the caller's text.
    static func utf8Text(_ data: Data, from source: String) throws(UsageError) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let scalar):
                offset += scalar.count
            case .emptyInput:
                return String(decoding: data, as: UTF8.self)
            case .error:
                throw UsageError(
                    "params from \(source) are not UTF-8 (byte \(offset) is not); save them as UTF-8, for example "
                        + "with iconv -f latin1 -t utf-8")
            }
        }
    }

    /// Returns the params read from standard input, or throws when there were none: an empty input is
    /// more likely a forgotten redirect than a wish to send no params.
    static func standardInputParams(_ data: Data) throws(UsageError) -> String {
        let text = try utf8Text(data, from: "standard input")
        guard !text.allSatisfy(\.isWhitespace) else {
            throw UsageError(
                "standard input was empty, so - had no params to read; pipe the JSON in "
                    + "(mesh call METHOD - < params.json), or leave out - to send no params")
        }
        return text
    }

    /// Parses the params. `fromArgument` is true when they came on the command line, where a shell may
    /// have removed their quotes, and false when they came from a file or standard input.
    static func parseParams(_ text: String?, fromArgument: Bool = true) throws(UsageError) -> JSONValue? {
        guard let text else {
            return nil
        }
        let params: JSONValue
        do {
            params = try JSONParser.parse(text)
        } catch {
            // Only broken syntax can come from a shell that removed the quotes. Other errors concern the content.
            guard fromArgument else {
                throw UsageError("params are not valid JSON (\(error)); fix the JSON in the file or input")
            }
            guard error.kind == .syntax else {
                throw UsageError("params are not valid JSON (\(error)); correct that value")
            }
            throw UsageError(
                "params are not valid JSON (\(error)); quote them for the shell, for example "
                    + "'{\"company_id\": \"cmp_...\"}'")
        }
        guard params.objectValue != nil else {
            throw UsageError(
                "params must be a JSON object, not \(text.prefix(40)); every method takes named params, for example "
                    + "'{\"company_id\": \"cmp_...\"}'")
        }
        return params
    }

    /// Returns the key a call sends and where it came from: `--key`, then MESH_API_KEY, then the home's
    /// root key file. An empty MESH_API_KEY counts as unset, so it does not hide the root key.
    static func chooseKey(_ arguments: CommandLineArguments, home: MeshHome) -> (key: String?, source: String?) {
        if let key = arguments.option("key") {
            return (key, "--key")
        }
        if let key = ProcessInfo.processInfo.environment["MESH_API_KEY"], !key.isEmpty {
            return (key, "MESH_API_KEY")
        }
        if let key = readRootKey(home) {
            return (key, home.rootKeyPath)
        }
        return (nil, nil)
    }

    /// Says which key the call used, so a rejected key can be traced to the option or file it came from.
    static func keyHint(source: String?, home: MeshHome) -> String {
        switch source {
        case "--key":
            return "the call used the key given with --key"
        case "MESH_API_KEY":
            return "the call used the key in MESH_API_KEY; unset it to use the root key from the mesh home"
        case let path?:
            return "the call used the root key from \(path)"
        case nil where access(home.rootKeyPath, F_OK) != 0 && access(home.root, W_OK) == 0:
            // This user could read the root key, but there is none: the gateway writes it when it starts.
            return "the call sent no key: \(home.rootKeyPath) does not exist, and the gateway writes a new one "
                + "when it starts; start or restart the mesh with mesh up, or set MESH_API_KEY to your API key "
                + "(or pass --key)"
        case nil:
            return
                "the call sent no key: set MESH_API_KEY to your API key (or pass --key), or run mesh call as the user that runs the mesh"
        }
    }

    /// The root key from the mesh home, when this user can read it.
    static func readRootKey(_ home: MeshHome) -> String? {
        (try? String(contentsOfFile: home.rootKeyPath, encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }
}
