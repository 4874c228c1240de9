import MeshRuntime

/// The `companies.*` methods: provisioning, reading, configuration, tier changes, suspension, export
/// and deletion.
enum CompanyHandlers {
    static func register(into methods: inout MethodTable, env: ServiceEnvironment) {
        registerProvision(into: &methods, env: env)
        registerReads(into: &methods, env: env)
        registerConfigure(into: &methods, env: env)
        registerChangeTier(into: &methods, env: env)
        registerSuspension(into: &methods, env: env)
        registerExport(into: &methods, env: env)
        registerDelete(into: &methods, env: env)
    }
}
