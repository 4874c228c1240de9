import Foundation
import MeshProtocol
import MeshRuntime
import MeshTransport

/// Writing to standard output and standard error with `write(2)`, ignoring failures: a reader that went
/// away (`mesh status | head -1`) must not crash the command.
enum Terminal {
    static func print(_ text: String) {
        DescriptorWriter.writeAll(1, Array((text + "\n").utf8))
    }

    static func error(_ text: String) {
        DescriptorWriter.printError(text)
    }

    /// `value` as indented JSON with sorted keys, for people to read.
    static func pretty(_ value: JSONValue) -> String {
        JSONWriter.pretty(value)
    }

    /// Formats an error as the CLI prints it: status, message, and details when present.
    ///
    /// `socket` is the path the command connected to. UNAVAILABLE naming it means nothing listens
    /// there. UNAVAILABLE naming another socket means a service behind the gateway is down.
    static func describe(_ error: RPCError, socket: String? = nil) -> String {
        var message = error.message
        // On a command line the reconnect delay only matters when the mesh runs, which the advice below
        // then names.
        if socket.map({ !MeshLock.isHeld(runDirectory: ($0 as NSString).deletingLastPathComponent) }) ?? false,
            let range = message.range(of: " (retry in ", options: .backwards), message.hasSuffix(" ms)")
        {
            message.removeSubrange(range.lowerBound...)
        }
        var text = "error \(error.status.name) (\(error.status.code)): \(message)"
        if let details = error.details {
            text += "\ndetails: " + pretty(details)
        }
        if error.status == .methodNotFound {
            text += "\n`mesh describe` lists every public method, and `mesh describe PROCESS` those of one process"
        }
        guard error.status == .unavailable, error.message.contains(".sock") else {
            if let retryAfter = error.retryAfterMs {
                text += "\nretry after: \(retryAfter) ms"
            }
            return text
        }

        if let socket, error.message.contains(socket) {
            // Another user's mesh may run fine, and the message already names its owner.
            let folder = (socket as NSString).deletingLastPathComponent
            if MeshLock.isHeld(runDirectory: folder) {
                text +=
                    "\nthe mesh's `mesh up` is running, so it restarts this process within seconds; retry, and see "
                    + "`mesh status` and the logs folder if it stays down"
            } else if FileOwner.uid(of: folder).map({ $0 == geteuid() }) ?? true,
                !error.message.contains("no mesh has run")
            {
                text += "\nis the mesh running? start it with `mesh up` (and check MESH_HOME or --home)"
            }
        } else {
            text +=
                "\na process of the mesh is down; `mesh status` shows which, and `mesh up` restarts it within seconds"
        }
        return text
    }
}
