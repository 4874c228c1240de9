/// Settings applied to every connection of a `Database`.
public struct StoreOptions: Sendable {
    /// The durability level of a commit (`PRAGMA synchronous`).
    public enum Synchronous: Sendable {
        /// In WAL mode a commit survives a crash of the process but may be lost on power failure.
        case normal
        /// Every commit is synced to disk before the writer acknowledges it.
        case full

        var pragmaValue: String {
            switch self {
            case .normal:
                return "NORMAL"
            case .full:
                return "FULL"
            }
        }
    }

    public var synchronous: Synchronous = .full
    /// How long a connection waits for a lock before failing with `SQLITE_BUSY`, in milliseconds.
    public var busyTimeoutMs: Int32 = 5000
    /// Reader connections, each on its own thread. Reads run in parallel up to this number.
    public var readerCount: Int = 2
    /// The WAL size, in pages, past which a commit also runs a passive checkpoint.
    ///
    /// NOTE: a checkpoint cannot restart the WAL while a reader still uses its end, so reads that
    /// overlap without pause keep the file growing. `Database.checkpoint(truncate: true)` bounds it.
    public var walAutocheckpointPages: Int32 = 1000
    /// The size, in bytes, that the WAL file is truncated to after a checkpoint resets it
    /// (`PRAGMA journal_size_limit`). Without a limit the file keeps its largest size.
    public var journalSizeLimitBytes: Int64 = 64 << 20
    /// The maximum number of `write` calls the writer commits in one transaction.
    public var maxWriteBatch: Int = 256
    /// The largest event payload, in UTF-8 bytes, that the outbox stores. A service sets it from its
    /// frame limit, so that every stored event fits a delivery request.
    public var maximumEventPayloadBytes: Int = .max

    public init() {}

    /// Throws a StoreError naming the first setting that is out of range.
    func validate() throws {
        if busyTimeoutMs < 0 {
            throw StoreError.misuse("busyTimeoutMs is \(busyTimeoutMs); use 0 or more milliseconds")
        }
        if readerCount < 1 {
            throw StoreError.misuse("readerCount is \(readerCount); use at least 1 reader connection")
        }
        if walAutocheckpointPages < 1 {
            throw StoreError.misuse("walAutocheckpointPages is \(walAutocheckpointPages); use at least 1 page")
        }
        if journalSizeLimitBytes < 0 {
            throw StoreError.misuse("journalSizeLimitBytes is \(journalSizeLimitBytes); use 0 or more bytes")
        }
        if maxWriteBatch < 1 {
            throw StoreError.misuse("maxWriteBatch is \(maxWriteBatch); use at least 1 write per transaction")
        }
    }
}
