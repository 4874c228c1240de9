import CSQLite

/// State read by the SQLite callbacks of one connection: the progress handler (deadlines and
/// cancellation) and the authorizer (which keeps transaction statements out of request bodies).
///
/// The connection passes this object to SQLite as an unretained pointer and keeps it alive until the
/// handle is closed. The callbacks run synchronously on the connection's own thread, so the plain
/// `var`s need no lock.
final class ConnectionHooks {
    /// The call whose statements are running, if it has a deadline or can be cancelled.
    var activeRequest: RequestControl?
    /// False while request bodies run, so `BEGIN`, `COMMIT` and `ROLLBACK` fail to prepare.
    var allowsTransactionStatements = false
    /// Set when the authorizer rejected a transaction statement, to explain the resulting SQLITE_AUTH error.
    var rejectedTransactionStatement = false
}

/// The number of SQLite virtual machine instructions between two deadline checks. A check reads the
/// clock, an estimated few tens of nanoseconds, so checking every 1000 instructions costs little.
let progressHandlerInterval: Int32 = 1000

extension Connection {
    /// Installs the progress handler and the authorizer with `hooks` as their context.
    func installHooks() {
        let context = Unmanaged.passUnretained(hooks).toOpaque()

        sqlite3_progress_handler(
            handle, progressHandlerInterval,
            { context in
                guard let context else {
                    return 0
                }
                let hooks = Unmanaged<ConnectionHooks>.fromOpaque(context).takeUnretainedValue()
                return hooks.activeRequest?.shouldInterrupt == true ? 1 : 0
            }, context)

        sqlite3_set_authorizer(
            handle,
            { context, action, _, _, _, _ in
                guard let context, action == SQLITE_TRANSACTION else {
                    return SQLITE_OK
                }
                let hooks = Unmanaged<ConnectionHooks>.fromOpaque(context).takeUnretainedValue()
                if hooks.allowsTransactionStatements {
                    return SQLITE_OK
                }
                hooks.rejectedTransactionStatement = true
                return SQLITE_DENY
            }, context)
    }

    /// Removes both callbacks, so SQLite never calls them after `hooks` is released.
    func removeHooks() {
        sqlite3_progress_handler(handle, 0, nil, nil)
        sqlite3_set_authorizer(handle, nil, nil)
    }

    /// Runs `body` with `control` watched by the progress handler.
    func withRequestControl<T>(_ control: RequestControl, _ body: () throws -> T) rethrows -> T {
        hooks.activeRequest = control
        defer { hooks.activeRequest = nil }
        return try body()
    }

    /// Runs the store's own transaction statements, which the authorizer rejects inside request bodies.
    func withTransactionStatementsAllowed<T>(_ body: () throws -> T) rethrows -> T {
        let previous = hooks.allowsTransactionStatements
        hooks.allowsTransactionStatements = true
        defer { hooks.allowsTransactionStatements = previous }
        return try body()
    }
}
