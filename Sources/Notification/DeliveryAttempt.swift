import TenantModel

/// One started attempt: a message, where it goes, and the number of this attempt.
struct DeliveryAttempt: Sendable {
    let messageID: String
    /// The webhook URL or the email address.
    let recipient: String
    /// The webhook text; nil for an email, whose bytes are its `.eml` file.
    let text: String?
    /// Counted from 1.
    let number: Int
    /// The facts a generic webhook posts besides the text: the message's event, company, kind, subject and
    /// creation time, and the company's webhook integration when the attempt starts.
    var details = Details()

    struct Details: Sendable {
        var eventID = ""
        var companyID = ""
        var kind = ""
        var subject = ""
        var createdAtMs: Int64 = 0
        var integration: Integration?
    }
}
