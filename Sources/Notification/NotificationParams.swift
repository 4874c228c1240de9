/// Params of `notifications.list`.
struct ListMessagesParams: Codable, Sendable {
    let companyID: String
    /// 1 to 200; 50 when absent.
    let limit: Int?
    /// `next_cursor` of the previous page.
    let cursor: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case limit
        case cursor
    }
}

/// Result of `notifications.list`.
struct MessagePage: Codable, Sendable {
    let messages: [MessageView]
    /// Pass it as `cursor` to get the next page; absent on the last page.
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case messages
        case nextCursor = "next_cursor"
    }
}

/// Params of `notifications.get`.
struct GetMessageParams: Codable, Sendable {
    let companyID: String
    let messageID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
        case messageID = "message_id"
    }
}

/// Params of `notifications.retry`.
struct RetryMessageParams: Codable, Sendable {
    let messageID: String

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
    }
}

/// Params of `notifications.export`.
struct ExportParams: Codable, Sendable {
    let companyID: String

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id"
    }
}

/// Params of the operator's lists, `notifications.alerts` and `notifications.deadLetters`.
struct OperatorPageParams: Codable, Sendable {
    /// 1 to 200; 50 when absent.
    let limit: Int?
    /// `next_cursor` of the previous page.
    let cursor: String?
}

/// Result of `notifications.alerts`.
struct AlertPage: Codable, Sendable {
    let alerts: [AlertView]
    /// Pass it as `cursor` to get the next page; absent on the last page.
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case alerts
        case nextCursor = "next_cursor"
    }
}
