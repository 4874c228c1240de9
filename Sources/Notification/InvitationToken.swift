import MeshProtocol

/// Checks an invitation token before it is put in a message.
///
/// The token is shown inside a shell command (`echo '{"token":"…"}' | mesh call auth.acceptInvitation -`),
/// so only characters that need no quoting in JSON or in single quotes are accepted.
enum InvitationToken {
    static func validate(_ token: String, field: String) throws(RPCError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".utf8)
        guard (8...256).contains(token.utf8.count), token.utf8.allSatisfy({ allowed.contains($0) }) else {
            throw RPCError.invalidArgument(
                field: field,
                "\(field) must be 8 to 256 characters of letters, digits, '.', '_' or '-'; "
                    + "the publisher must send the token it generated"
            )
        }
    }

    /// The line naming where the command works: on the mesh's machine, with the mesh's home named.
    static let whereToRun =
        "Run it on the machine that runs the mesh, with MESH_HOME (or --home)\nnaming the mesh's home folder."

    /// The command that accepts the invitation, exactly as the recipient should type it.
    ///
    /// The token goes to standard input through the shell's built-in `echo`, which starts no process, so
    /// it never appears in a process's arguments, which every user of the machine can read.
    static func acceptCommand(_ token: String) -> String {
        "echo '{\"token\":\"\(token)\"}' | mesh call auth.acceptInvitation -"
    }
}
