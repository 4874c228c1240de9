import MeshRuntime

/// Stops a service whose WAL file was deleted while it ran, after copying the writes in the deleted file
/// into the database file.
///
/// SQLite keeps writing commits to a deleted WAL file, and a crash would lose them: the next start
/// finds no WAL to recover from. A checkpoint copies them into the database file first. The process
/// then exits with status 1, and `mesh up` starts it again with a new WAL file.
enum WALWatch {
    /// Checks the WAL file of `host` every second until the task is cancelled, which then returns false.
    /// On a deleted WAL it requests the stop and returns true.
    static func start(host: ServiceHost, logger: Logger, stop: Stopper) -> Task<Bool, Never> {
        Task.detached {
            // Two checks in a row must find it gone, so a WAL file missing for a moment does not stop the
            // process.
            var missedChecks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard !Task.isCancelled, host.store.walFileDeleted else {
                    missedChecks = 0
                    continue
                }
                missedChecks += 1
                guard missedChecks >= 2 else {
                    continue
                }

                let path = host.store.path + "-wal"
                do {
                    try host.store.checkpoint(truncate: true)
                    logger.error(
                        "store.wal_deleted",
                        [
                            "path": path,
                            "advice": "the WAL file was deleted while the process ran; its writes were copied into "
                                + "the database file, and the process stops so that a new WAL file is made (mesh up "
                                + "starts it again); never delete -wal files of a running mesh",
                        ])
                } catch {
                    logger.error(
                        "store.wal_deleted",
                        [
                            "path": path, "error": "\(error)",
                            "advice": "the WAL file was deleted while the process ran, and copying its writes into "
                                + "the database file failed; the process stops, and writes since the last "
                                + "checkpoint may be lost",
                        ])
                }
                stop.request()
                return true
            }
            return false
        }
    }
}
