/// The result of one delivery attempt: a webhook POST or an SMTP transfer.
enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted the message: an HTTP 2xx status, or the SMTP reply code to the message data.
    case delivered(status: Int)
    /// The reason the attempt failed, for `last_error`: a rejecting status, a refused connection, a timeout
    /// before the whole message went out. The message is tried again on the retry schedule.
    case failed(String)
    /// The reason the receiver refused the message for good: an SMTP 5xx reply. Trying again on the
    /// schedule cannot succeed, so the message is dead at once.
    case rejected(String)
    /// No connection to the receiver could be made (the SMTP relay is down or restarting), so nothing
    /// went out. The attempt does not count: the message waits for the receiver, up to a day.
    case unreachable(String)
    /// The whole message went out but no response came (a timeout, a closed connection): the receiver may
    /// have it. Sending it again could deliver it twice, so it is not tried again on its own.
    case uncertain(String)
}
