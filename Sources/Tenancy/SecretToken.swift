import MeshRuntime

/// The secrets tenancy hands out: invitation tokens and API keys.
///
/// An invitation token is `tmi_` and 32 hex digits (128 random bits). An API key is
/// `tmk_<key_id>_<secret>` with a 256-bit secret; the key id lets `auth.verifyKey` find the row
/// before comparing hashes. Neither is stored; only `SecretHash.sha256Hex` of each is.
enum SecretToken {
    static let invitationPrefix = "tmi_"
    static let apiKeyPrefix = "tmk_"
    /// How many leading characters of a key are kept to let people recognise it in `auth.listKeys`.
    static let displayedKeyLength = 12

    static func newInvitationToken() -> String {
        invitationPrefix + SecretHash.randomHex(bytes: 16)
    }

    static func newKeyID() -> String {
        "key" + SecretHash.randomHex(bytes: 12)
    }

    static func newAPIKey(keyID: String) -> String {
        apiKeyPrefix + keyID + "_" + SecretHash.randomHex(bytes: 32)
    }

    /// Returns the key id inside `apiKey`, or nil when it does not have the shape of a tenancy key.
    static func keyID(in apiKey: String) -> String? {
        guard apiKey.hasPrefix(apiKeyPrefix) else {
            return nil
        }
        let parts = apiKey.dropFirst(apiKeyPrefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count == 64 else {
            return nil
        }
        return String(parts[0])
    }
}
