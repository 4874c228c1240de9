import MeshProtocol
import Synchronization

extension CompanySettings {
    /// The settings as JSON, the form events and views carry.
    public var json: JSONValue {
        // Encoding plain strings, booleans and arrays cannot fail.
        (try? JSONValue(encoding: self)) ?? .null
    }

    /// The JSON text stored in `companies.settings`.
    var storedText: String {
        JSONWriter.string(json)
    }

    /// Decodes the stored JSON text of company `companyID`.
    static func decodeStored(_ text: String, companyID: String) throws -> CompanySettings {
        // Every call on a company reads its settings, and the stored text changes rarely. Decoded
        // values are keyed by that exact text, so an entry can never be stale.
        if let cached = SettingsCache.shared.lookup(text) {
            return cached
        }
        do {
            let settings = try JSONParser.parse(text).decode(CompanySettings.self)
            SettingsCache.shared.store(text, settings)
            return settings
        } catch {
            throw RPCError(
                .internal,
                "the stored settings of company \(companyID) do not decode (\(error)); reconfigure the company")
        }
    }
}

/// Decoded company settings by their stored JSON text, bounded to a few thousand entries.
final class SettingsCache: Sendable {
    static let shared = SettingsCache()

    private let entries = Mutex<[String: CompanySettings]>([:])

    func lookup(_ text: String) -> CompanySettings? {
        entries.withLock { $0[text] }
    }

    func store(_ text: String, _ settings: CompanySettings) {
        entries.withLock { entries in
            if entries.count >= 4_096 {
                entries.removeAll()
            }
            entries[text] = settings
        }
    }
}
