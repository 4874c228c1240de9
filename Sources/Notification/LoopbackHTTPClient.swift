import Glibc
import MeshRuntime

/// A minimal HTTP/1.1 client that POSTs one JSON body to a loopback address and reads the status line.
///
/// NOTE: Foundation's URLSession was tried first. On Linux it runs on libcurl, which sent a request for
/// http://127.0.0.1 through the proxy named by `http_proxy` even with an empty
/// `connectionProxyDictionary`, so traffic could leave the machine. This client connects to 127.0.0.1
/// itself and to nothing else.
struct LoopbackHTTPClient: Sendable {
    /// The maximum time a whole exchange may take: the connect, the request and the response's headers.
    var timeout: Duration = .seconds(5)
    /// Response headers past this size are not read; the status line is all the client needs.
    static let maximumResponseBytes = 65_536

    /// POSTs `body` to `target` on a thread of its own, so the blocking socket calls never hold a thread
    /// the rest of the process needs.
    func post(_ target: WebhookTarget, body: [UInt8], messageID: String) async -> DeliveryOutcome {
        let request = Self.request(target, body: body, messageID: messageID)
        let timeout = timeout
        return await BlockingThread.run {
            Self.exchange(request, port: target.port, timeout: timeout)
        }
    }

    static func request(_ target: WebhookTarget, body: [UInt8], messageID: String) -> [UInt8] {
        let head =
            "POST \(target.requestTarget) HTTP/1.1\r\n"
            + "Host: \(target.hostHeader)\r\n"
            + "User-Agent: TenantMesh-Notification\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\n"
            + "X-TenantMesh-Message-Id: \(messageID)\r\n"
            + "Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    static func exchange(_ request: [UInt8], port: UInt16, timeout: Duration) -> DeliveryOutcome {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else {
            return .failed("could not open a socket: \(errorText())")
        }
        defer { close(socketFD) }

        // One deadline for the whole exchange, so a receiver that sends its response a byte at a time cannot
        // keep an attempt (and a stopping process that waits for it) running past `timeout`.
        let deadline = ContinuousClock.now + timeout

        if let problem = connectLoopback(socketFD, port: port, deadline: deadline) {
            return .failed(problem)
        }
        if let problem = sendAll(socketFD, request, deadline: deadline) {
            return .failed(problem)
        }
        return readStatus(socketFD, deadline: deadline)
    }

    /// Lets the next blocking call on `socketFD` wait only for the time left until `deadline`, and returns
    /// false when none is left. On Linux SO_SNDTIMEO also bounds connect().
    private static func limitWait(_ socketFD: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        let left = deadline - .now
        guard left > .zero else {
            return false
        }

        // A zero timeval would mean "wait forever", so the limit is at least one millisecond.
        let parts = left.components
        var limit = timeval(tv_sec: max(0, Int(parts.seconds)), tv_usec: Int(parts.attoseconds / 1_000_000_000_000))
        if limit.tv_sec == 0, limit.tv_usec < 1000 {
            limit.tv_usec = 1000
        }
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return true
    }

    private static func connectLoopback(_ socketFD: Int32, port: UInt16, deadline: ContinuousClock.Instant) -> String? {
        guard limitWait(socketFD, until: deadline) else {
            return "could not connect to 127.0.0.1:\(port): timed out"
        }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian

        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                retryingInterrupts { connect(socketFD, generic, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        return result == 0 ? nil : "could not connect to 127.0.0.1:\(port): \(errorText())"
    }

    private static func sendAll(_ socketFD: Int32, _ bytes: [UInt8], deadline: ContinuousClock.Instant) -> String? {
        var offset = 0
        while offset < bytes.count {
            guard limitWait(socketFD, until: deadline) else {
                return "could not send the request: timed out"
            }
            let sent = bytes.withUnsafeBytes { buffer in
                retryingInterrupts {
                    Int32(send(socketFD, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL)))
                }
            }
            guard sent > 0 else {
                return "could not send the request: \(errorText())"
            }
            offset += Int(sent)
        }
        return nil
    }

    /// Reads until the end of the final response's headers (or the connection closes) and parses its
    /// status line.
    ///
    /// Interim 1xx responses (`100 Continue`, which some receivers send unasked) are skipped, as
    /// RFC 9110 requires of a client. Once the whole request went out, the receiver may have the message,
    /// so a response that cannot be read is uncertain, never retried.
    private static func readStatus(_ socketFD: Int32, deadline: ContinuousClock.Instant) -> DeliveryOutcome {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var closed = false
        while true {
            if let headerEnd = received.headerEnd {
                guard let status = statusCode(of: received[..<headerEnd]) else {
                    return .uncertain(
                        "the request went out, but the response did not start with an HTTP/1.x status line")
                }
                if (100..<200).contains(status) && status != 101 {
                    received.removeFirst(headerEnd)
                    continue
                }
                return (200..<300).contains(status)
                    ? .delivered(status: status) : .failed("the receiver responded HTTP \(status)")
            }
            if closed || received.count >= maximumResponseBytes {
                break
            }

            guard limitWait(socketFD, until: deadline) else {
                return .uncertain("the request went out, but the receiver sent no response: timed out")
            }
            let count = chunk.withUnsafeMutableBytes { buffer in
                retryingInterrupts { Int32(recv(socketFD, buffer.baseAddress, buffer.count, 0)) }
            }
            guard count >= 0 else {
                return .uncertain("the request went out, but the receiver sent no response: \(errorText())")
            }
            closed = count == 0
            received.append(contentsOf: chunk[..<Int(count)])
        }

        if received.isEmpty {
            return .uncertain("the request went out, and the receiver closed the connection without a response")
        }
        // Headers cut short by the close or the size cap: the status line alone decides.
        guard let status = statusCode(of: received[...]), !(100..<200).contains(status) else {
            return .uncertain(
                "the request went out, but the response did not start with an HTTP/1.x status line")
        }
        return (200..<300).contains(status)
            ? .delivered(status: status) : .failed("the receiver responded HTTP \(status)")
    }

    /// Returns the status code of the response head `head`, or nil when it starts with no HTTP/1.x status line.
    private static func statusCode(of head: ArraySlice<UInt8>) -> Int? {
        let firstLine =
            head.split(separator: 0x0d, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let words = firstLine.split(separator: " ")
        guard words.count >= 2, words[0].hasPrefix("HTTP/1."), let status = Int(words[1]) else {
            return nil
        }
        return status
    }

    private static func retryingInterrupts(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR {
                return result
            }
        }
    }

    private static func errorText() -> String {
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS {
            return "timed out"
        }
        return String(cString: strerror(errno))
    }
}

extension [UInt8] {
    /// The index just past the first empty line (CRLF CRLF), which ends a response's headers.
    fileprivate var headerEnd: Int? {
        guard count >= 4 else {
            return nil
        }
        for index in 0...(count - 4)
        where self[index] == 0x0d && self[index + 1] == 0x0a
            && self[index + 2] == 0x0d && self[index + 3] == 0x0a
        {
            return index + 4
        }
        return nil
    }
}
