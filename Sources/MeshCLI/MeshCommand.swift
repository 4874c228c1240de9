import Foundation
import MeshProtocol
import MeshRuntime

/// The `mesh` command line: picks the subcommand and runs it.
public enum MeshCommand {
    static let usage = """
        usage: mesh <command> [options]

        commands:
          up [--test-clock]            start all five processes, restart any that dies, stop on Ctrl-C
          serve <process> [--log-level trace|debug|info|notice|warning|error] [--test-clock]
                                       run one process: gateway, tenancy, billing, analytics, notification
          call <method> [json|-|@file] call a method through the gateway and print the result;
                                       - reads the params from standard input, @file from a file
               [--key KEY] [--timeout-ms N] [--process NAME (call that service's socket directly, as root)]
               [--idempotency-key K (company writes, including root's; companies.provision needs one; auth.createKey refuses it; ignored by reads)]
          status                       show each process's health
          describe [process] [--json]  list methods with their parameters (default: the gateway)
          clock show|set <ms|ISO-8601>|advance <N>{s,m,h,d} [--backwards]
                                       read or move the shared test clock (mesh up --test-clock)
          backup DIR                   copy the databases, keys and outbox into a new or empty folder DIR, running or stopped
          restore DIR                  replace the databases, keys and outbox of a stopped mesh with backup DIR's
          demo [--keep]                run the whole company lifecycle in a fresh temporary mesh
          bench [--seconds N] [--connections 1,8,32]
                                       measure the protocol against a C ping-pong server (release build)
          crashtest [--seconds N] [--crashes N] [--seed N] [--home DIR]
                                       kill processes under write load; check no acknowledged write is lost or doubled

        up, serve, call, status, describe, clock, backup and restore work on MESH_HOME (default ./.mesh);
        --home DIR, before or after the command, overrides it. demo and bench make a temporary home of
        their own.

        mesh up passes its environment to every process: MESH_OPERATOR_EMAIL (operator alerts),
        MESH_SMTP_URL (an SMTP relay on this machine) and the MESH_MAX_* and MESH_*_TIMEOUT_MS connection
        limits; docs/OPERATIONS.md lists them. mesh call reads MESH_API_KEY, MESH_MAX_FRAME_BYTES and
        MESH_MAX_IN_FLIGHT.
        """

    static let commandNames = [
        "up", "serve", "call", "status", "describe", "clock", "backup", "restore", "demo", "bench", "crashtest",
    ]

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    public static func run(_ rawArguments: [String]) async -> Int32 {
        let arguments = movingHomeAfterCommand(rawArguments)
        guard let name = arguments.first else {
            Terminal.error(usage)
            return 64
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            Terminal.print(usage)
            return 0
        }

        do {
            switch name {
            case "up": return try await UpCommand.run(rest)
            case "serve": return try await ServeCommand.run(rest)
            case "call": return try await CallCommand.run(rest)
            case "status": return try await StatusCommand.run(rest)
            case "describe": return try await DescribeCommand.run(rest)
            case "clock": return try ClockCommand.run(rest)
            case "backup": return try await BackupCommand.run(rest)
            case "restore": return try await RestoreCommand.run(rest)
            case "demo": return try await DemoCommand.run(rest)
            case "bench": return try await BenchCommand.run(rest)
            case "crashtest": return try await CrashTestCommand.run(rest)
            case "help", "--help", "-h":
                Terminal.print(usage)
                return 0
            default:
                throw UsageError(
                    "unknown command '\(name.clipped)'\(NameSuggestion.hint(for: name, among: commandNames + ["help"]))"
                )
            }
        } catch let error as UsageError {
            // The whole usage text helps when the command itself is wrong, unless it is a typo of one.
            // After a mistake in one argument it would bury the message.
            let known =
                commandNames.contains(name) || NameSuggestion.closest(to: name, among: commandNames + ["help"]) != nil
            let help = known ? "run `mesh help` for every command and option" : usage
            // Arguments are quoted in the message, so their control characters are shown, not obeyed.
            Terminal.error("mesh: \(error.message.displaySafe)\n\n\(help)")
            return 64
        } catch {
            // An error that reaches here stopped the command (a bad MESH_ variable at start, say), and its
            // protocol status name would mean nothing to the person reading it.
            Terminal.error("mesh \(name.clipped.displaySafe): \(message(of: error).displaySafe)")
            return 1
        }
    }

    /// Returns the words of an error that stopped a command, without a protocol status name.
    static func message(of error: any Error) -> String {
        (error as? RPCError)?.message ?? "\(error)"
    }

    /// Moves a `--home DIR` given before the command to after it, so `mesh --home DIR status` means
    /// `mesh status --home DIR`.
    static func movingHomeAfterCommand(_ arguments: [String]) -> [String] {
        if arguments.count >= 2, arguments[0] == "--home" {
            return Array(arguments.dropFirst(2)) + ["--home", arguments[1]]
        }
        if let first = arguments.first, first.hasPrefix("--home=") {
            return Array(arguments.dropFirst()) + [first]
        }
        return arguments
    }

    /// The home named by `--home`, else MESH_HOME, else ./.mesh.
    static func home(_ arguments: CommandLineArguments) -> MeshHome {
        if let path = arguments.option("home") {
            return MeshHome(root: path)
        }
        return MeshHome.fromEnvironment()
    }
}
