import Glibc
import Synchronization

/// A child process started with `posix_spawn`, its output appended to a file.
///
/// Integration tests start a mesh many times from a busy, many-threaded test process, where
/// Foundation's `Process.run()` crashed now and then inside `memcpy` on this platform. Spawning
/// directly avoids that code path.
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, standard output and error appended to `outputPath`,
    /// standard input from /dev/null, and no signals blocked. The child gets this process's environment
    /// with `variables` set on top.
    public init(
        executable: String,
        arguments: [String],
        outputPath: String,
        variables: [String: String] = [:]
    ) throws(BlockingSocketError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer {
            for pointer in argv {
                free(pointer)
            }
        }

        var inherited: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if variables[name] == nil {
                inherited.append(text)
            }
            entry += 1
        }
        let envp: [UnsafeMutablePointer<CChar>?] =
            (inherited + variables.map { "\($0.key)=\($0.value)" }).map { strdup($0) } + [nil]
        defer {
            for pointer in envp {
                free(pointer)
            }
        }

        var child: pid_t = 0
        let result = ProcessLauncher.serialized {
            argv.withUnsafeBufferPointer { arguments in
                envp.withUnsafeBufferPointer { environment in
                    posix_spawn(
                        &child, executable, &actions, &attributes, arguments.baseAddress!, environment.baseAddress!)
                }
            }
        }
        guard result == 0 else {
            throw BlockingSocketError(
                message: "posix_spawn of \(executable) failed: \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Whether the child still runs; reaps it once it has exited.
    public var isRunning: Bool {
        status.withLock { status in
            guard status == nil else {
                return false
            }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid {
                status = raw
                return false
            }
            return reaped == 0
        }
    }

    /// The exit code, 128 + the signal number when a signal ended it, or nil while it runs.
    public var exitStatus: Int32? {
        _ = isRunning
        return status.withLock { raw in
            raw.map { SpawnedProcess.decode($0) }
        }
    }

    public func signal(_ number: Int32) {
        if isRunning {
            kill(pid, number)
        }
    }

    /// Blocks until the child exits. Call it from a thread of its own, not the cooperative pool.
    public func waitUntilExit() {
        while isRunning {
            usleep(10_000)
        }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        if signal == 0 {
            return (raw >> 8) & 0xff
        }
        return 128 + signal
    }
}
