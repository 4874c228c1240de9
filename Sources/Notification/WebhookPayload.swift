import MeshProtocol

/// The JSON a webhook message posts, by the company's webhook integration.
enum WebhookPayload {
    /// Builds the body of `attempt`: `{"text": ...}` for `slack_webhook`, which chat tools read as is,
    /// and for `webhook` the text with the facts a program needs to act on the message without parsing it.
    static func body(of attempt: DeliveryAttempt, text: String) -> JSONValue {
        guard attempt.details.integration == .webhook else {
            return ["text": .string(text)]
        }

        let details = attempt.details
        return [
            "message_id": .string(attempt.messageID),
            "event_id": .string(details.eventID),
            "company_id": .string(details.companyID),
            "kind": .string(details.kind),
            "subject": .string(details.subject),
            "text": .string(text),
            "created_at_ms": .int(details.createdAtMs),
        ]
    }
}
