import MeshProtocol

/// Finds `MESH_` variables that no part of TenantMesh reads, so that a typo such as
/// `MESH_MAX_FRAMES_BYTES` does not silently leave a limit at its default.
enum UnknownVariables {
    /// Every `MESH_` variable that the mesh, its CLI, its clients or its tests read.
    static let known: Set<String> = [
        "MESH_API_KEY", "MESH_BINARY", "MESH_BUSY_POLL_US", "MESH_GATEWAY_SOCKET", "MESH_HOME",
        "MESH_IDLE_TIMEOUT_MS", "MESH_JSON_CORPUS", "MESH_MAX_CONNECTIONS", "MESH_MAX_FRAME_BYTES",
        "MESH_MAX_IN_FLIGHT", "MESH_MAX_OUTBOUND_BYTES", "MESH_OPERATOR_EMAIL", "MESH_PARTIAL_FRAME_TIMEOUT_MS",
        "MESH_SMTP_URL", "MESH_SUPERVISOR_PID", "MESH_TEST_CLOCK", "MESH_TRUSTED_UIDS", "MESH_WATCH_PID",
    ]

    /// Returns one warning for each unknown `MESH_` variable in `environment`, sorted by name.
    static func warnings(in environment: [String: String]) -> [String] {
        environment.keys.filter { $0.hasPrefix("MESH_") && !known.contains($0) }.sorted().map { name in
            "\(name.clipped.displaySafe) is not a variable TenantMesh reads\(NameSuggestion.hint(for: name, among: known)), "
                + "so it has no effect; docs/OPERATIONS.md lists the variables"
        }
    }
}
