import CSQLite

/// Failures of the database's files or of the disk under them, as opposed to failures of one statement.
///
/// Most of them last until someone frees space, fixes permissions or replaces a damaged file, so callers
/// report them in words saying what to do, and the writer records them for health checks.
extension StoreError {
    /// True when the disk holding the database is full, or the database reached `max_page_count`
    /// (`SQLITE_FULL`).
    public var isDiskFull: Bool {
        primaryResultCode == SQLITE_FULL
    }

    /// True when SQLite could not write the database or its -wal or -shm file (`SQLITE_READONLY`).
    public var isReadOnly: Bool {
        primaryResultCode == SQLITE_READONLY
    }

    /// True when the operating system failed a read or write of a database file (`SQLITE_IOERR`).
    public var isIOError: Bool {
        primaryResultCode == SQLITE_IOERR
    }

    /// True when the database file is damaged (`SQLITE_CORRUPT`) or is not a SQLite database at all
    /// (`SQLITE_NOTADB`).
    public var isCorrupt: Bool {
        primaryResultCode == SQLITE_CORRUPT || primaryResultCode == SQLITE_NOTADB
    }

    /// True when the database file or its -wal or -shm file could not be opened (`SQLITE_CANTOPEN`).
    public var isCannotOpen: Bool {
        primaryResultCode == SQLITE_CANTOPEN
    }

    /// True for any of the five failures above.
    public var isStorageFailure: Bool {
        isDiskFull || isReadOnly || isIOError || isCorrupt || isCannotOpen
    }

    /// The C name of the primary result code, such as `SQLITE_FULL`, for messages that name the condition.
    public var primaryCodeName: String {
        switch primaryResultCode {
        case SQLITE_FULL: return "SQLITE_FULL"
        case SQLITE_READONLY: return "SQLITE_READONLY"
        case SQLITE_IOERR: return "SQLITE_IOERR"
        case SQLITE_CORRUPT: return "SQLITE_CORRUPT"
        case SQLITE_NOTADB: return "SQLITE_NOTADB"
        case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN"
        case SQLITE_BUSY: return "SQLITE_BUSY"
        case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT"
        case SQLITE_INTERRUPT: return "SQLITE_INTERRUPT"
        case SQLITE_NOMEM: return "SQLITE_NOMEM"
        default: return "SQLite result code \(primaryResultCode)"
        }
    }
}
