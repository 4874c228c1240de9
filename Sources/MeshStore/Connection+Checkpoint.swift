import CSQLite

extension Connection {
    /// Copies WAL frames into the database file and returns the WAL size and the frames copied, in pages.
    ///
    /// A passive checkpoint copies what it can without waiting. A truncating one waits up to the busy
    /// timeout for readers to leave the WAL, then empties the WAL file. When readers kept it from
    /// finishing, SQLite reports `SQLITE_BUSY`, and this returns fewer checkpointed pages than WAL pages
    /// instead of throwing.
    func walCheckpoint(truncate: Bool) throws -> (walPages: Int, checkpointedPages: Int) {
        var walFrames: Int32 = 0
        var checkpointedFrames: Int32 = 0
        let mode = truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE

        let code = sqlite3_wal_checkpoint_v2(handle, nil, mode, &walFrames, &checkpointedFrames)
        guard code == SQLITE_OK || code == SQLITE_BUSY else {
            throw error(code: code, sql: nil)
        }
        return (Int(walFrames), Int(checkpointedFrames))
    }
}
