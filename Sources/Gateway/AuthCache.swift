import MeshRuntime
import Synchronization

/// What the gateway knows about an API key after tenancy verified it.
struct VerifiedKey: Sendable {
    let caller: Caller
    let companyStatus: String
    let companyTier: String
}

/// Verified keys by hash for one second, so a revoked key, a deactivated user or a suspension stops
/// working within a second, while a busy client does not cost a tenancy round trip per call. Keys of
/// suspended companies are not kept, so a scheduled reactivation lets them in at once.
final class AuthCache: Sendable {
    static let lifetime: Duration = .seconds(1)

    private struct Entry {
        let key: VerifiedKey
        let expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])

    func lookup(hash: String) -> VerifiedKey? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[hash] else {
                return nil
            }
            if entry.expires <= now {
                entries[hash] = nil
                return nil
            }
            return entry.key
        }
    }

    func store(hash: String, key: VerifiedKey) {
        let expires = ContinuousClock.now + AuthCache.lifetime
        entries.withLock { entries in
            if entries.count > 100_000 {
                entries.removeAll()
            }
            entries[hash] = Entry(key: key, expires: expires)
        }
    }

    /// Forgets every key of `companyID`, after a change that can revoke access (suspension, revocation).
    func forget(companyID: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.key.caller.companyID != companyID }
        }
    }
}
