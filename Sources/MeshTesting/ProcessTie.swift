import Glibc

/// Environment variables that tie a `mesh` process started by a test to the test process, so that a
/// test process that crashes takes its meshes with it.
public enum ProcessTie {
    /// Returns `variables` with `MESH_WATCH_PID` (read by `mesh up`) and `MESH_SUPERVISOR_PID` (read by
    /// `mesh serve`) set to this process, unless the caller set them already.
    public static func tiedToThisProcess(_ variables: [String: String]) -> [String: String] {
        var tied = variables
        tied["MESH_WATCH_PID"] = tied["MESH_WATCH_PID"] ?? "\(getpid())"
        tied["MESH_SUPERVISOR_PID"] = tied["MESH_SUPERVISOR_PID"] ?? "\(getpid())"
        return tied
    }
}
