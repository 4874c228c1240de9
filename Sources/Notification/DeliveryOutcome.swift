/// The result of one delivery attempt: a webhook POST or an SMTP transfer.
enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted the message: an HTTP 2xx status, or the SMTP reply code to the message data.
    case delivered(status: Int)
    /// The reason the attempt failed, for `last_error`: a rejecting status, a refused connection, a timeout.
    case failed(String)
}
