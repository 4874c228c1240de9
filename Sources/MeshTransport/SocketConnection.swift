import CSystem
import Glibc
import MeshProtocol

/// Receives what arrives on a connection. Called on the connection's event loop thread.
public protocol ConnectionDelegate: AnyObject {
    /// `payload` points into the connection's buffer and is valid only during the call.
    func connection(_ connection: SocketConnection, didReceive payload: UnsafeRawBufferPointer)
    /// The peer sent a bad length prefix. The connection stops reading; the delegate should send an
    /// error frame and call `closeAfterFlush()`.
    func connection(_ connection: SocketConnection, didFailFraming error: FrameError)
    func connectionDidClose(_ connection: SocketConnection)
}

/// One non-blocking Unix stream socket carrying frames, on one event loop.
///
/// `@unchecked Sendable`: every mutable member is touched only on `loop`'s thread; other threads reach
/// the connection through `loop.execute`, which `sendFromAnyThread` and `closeFromAnyThread` do.
public final class SocketConnection: EventLoopHandler, EventLoopFlushable, @unchecked Sendable {
    public let loop: EventLoop
    public let descriptor: Int32
    public weak var delegate: (any ConnectionDelegate)?
    /// Per-connection state owned by the delegate.
    public var context: AnyObject?
    /// The uid of the peer process, read with SO_PEERCRED, when known.
    public internal(set) var peerUID: uid_t?
    public internal(set) var peerPID: Int32?
    /// Requests received and not yet answered; the delegate keeps it, the idle sweep reads it.
    public var inFlightCount = 0 {
        didSet {
            if inFlightCount == 0 && peerFinishedSending {
                // Checked after the job that replied to the last request, so that reply is queued first.
                loop.enqueue { [self] in closeIfDrained() }
            }
        }
    }
    /// When true, a peer that shuts down only its sending side still gets its replies. On end of stream
    /// without a hang-up the connection stops reading, and closes once `inFlightCount` is 0 and all
    /// queued bytes are written. A full hang-up still closes at once. Servers set it, clients do not.
    public var answersAfterPeerFinishes = false
    public private(set) var lastActivity = ContinuousClock.now
    public private(set) var isClosed = false
    /// Called once when the connection closes, before the delegate hears of it; the owner uses it to
    /// forget the connection.
    var onClose: ((SocketConnection) -> Void)?

    private var decoder: FrameDecoder
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var waitingForWritable = false
    /// Set while reading stops for the connection's own reasons: a full reply queue, a close, a
    /// framing error or the peer's end of stream.
    private var readingPaused = false
    /// Set by the delegate while it takes no more frames; see `holdReading()`.
    public private(set) var isHeld = false
    private var closeWhenFlushed = false
    /// Set once a close was asked for and everything queued was written: the sending side is shut
    /// down, and what the peer still sends is read and dropped until it closes too or two seconds pass.
    private var lingering = false
    private var lingerDiscardedBytes = 0
    /// Set when the peer ended its stream while `answersAfterPeerFinishes` kept the connection open.
    private var peerFinishedSending = false
    private var flushScheduled = false
    /// Set once the peer sent a bad length prefix: the stream cannot be split into frames any more,
    /// so reading never resumes.
    private var framingFailed = false
    /// Queued outbound bytes past which reading pauses until the queue drains; nil never pauses.
    private let maximumOutboundBytes: Int?

    init(descriptor: Int32, loop: EventLoop, maximumFrameLength: Int, maximumOutboundBytes: Int?) {
        self.descriptor = descriptor
        self.loop = loop
        self.decoder = FrameDecoder(maximumFrameLength: maximumFrameLength)
        self.maximumOutboundBytes = maximumOutboundBytes
    }

    deinit {
        if !isClosed {
            Glibc.close(descriptor)
        }
    }

    /// True while replies wait in the queue for the peer to read them, whether or not that has paused
    /// reading yet.
    public var isWaitingForPeerToRead: Bool {
        outboundBytes > 0 && !isClosed
    }

    /// Bytes of a frame that has begun to arrive but is not complete.
    public var partialFrameBytes: Int {
        decoder.bufferedByteCount
    }

    public var outboundBytes: Int {
        outbound.count - outboundOffset
    }

    /// Whether the peer sent bytes that this side has not read yet: a request on its way in.
    public var hasUnreadBytes: Bool {
        guard !isClosed else {
            return false
        }
        var waiting: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &waiting) == 0 && waiting > 0
    }

    // MARK: Holding

    /// Stops delivering frames and reading the socket until `releaseReading()`, for a delegate that
    /// has work it cannot start yet. Frames already read stay in the decoder. Loop thread only.
    public func holdReading() {
        loop.assertInLoop()
        guard !isHeld, !isClosed else {
            return
        }
        isHeld = true
        loop.update(descriptor, readable: false, writable: waitingForWritable)
    }

    /// Delivers frames again after `holdReading()`, beginning with those already read.
    public func releaseReading() {
        loop.assertInLoop()
        guard isHeld, !isClosed else {
            return
        }
        isHeld = false
        readAgainIfFree()
    }

    // MARK: Sending

    /// Frames `payload` and writes it, buffering what the socket does not take now. Loop thread only.
    public func send(_ payload: [UInt8]) {
        loop.assertInLoop()
        guard !isClosed else {
            return
        }

        FrameEncoder.appendFrame(payload, to: &outbound)
        if !waitingForWritable && !flushScheduled {
            flushScheduled = true
            loop.scheduleFlush(self)
        }

        // A peer that sends requests and never reads the replies would otherwise grow the queue
        // without bound, so stop reading its requests until it has read the backlog.
        if let maximumOutboundBytes, !isClosed, outboundBytes > maximumOutboundBytes {
            pauseReading()
        }
    }

    /// Writes what `send` queued during this loop turn; the loop calls it when the turn ends.
    public func flushWrites() {
        flushScheduled = false
        if !isClosed && !waitingForWritable {
            flush()
        }
    }

    public func sendFromAnyThread(_ payload: [UInt8]) {
        loop.execute { [self] in send(payload) }
    }

    /// Closes once everything queued has been written.
    public func closeAfterFlush() {
        loop.assertInLoop()
        closeWhenFlushed = true
        pauseReading()
        if outboundBytes == 0 {
            linger()
        } else if !waitingForWritable {
            flush()
        }
    }

    /// Closes a connection whose peer finished sending once nothing is left to reply to: no request in
    /// flight, none held, and no whole frame still waiting in the decoder.
    private func closeIfDrained() {
        if !isClosed && peerFinishedSending && inFlightCount == 0 && !isHeld && !decoder.hasCompleteFrame {
            closeAfterFlush()
        }
    }

    public func closeFromAnyThread() {
        loop.execute { [self] in close() }
    }

    public func close() {
        loop.assertInLoop()
        guard !isClosed else {
            return
        }

        isClosed = true
        loop.deregister(descriptor)
        Glibc.close(descriptor)
        outbound = []
        onClose?(self)
        onClose = nil
        delegate?.connectionDidClose(self)
        delegate = nil
        context = nil
    }

    private func flush() {
        while outboundOffset < outbound.count {
            let written = outbound.withUnsafeBytes { bytes in
                Glibc.send(
                    descriptor,
                    bytes.baseAddress! + outboundOffset,
                    bytes.count - outboundOffset,
                    csystem_msg_nosignal()
                )
            }
            if written > 0 {
                outboundOffset += written
                lastActivity = .now
                continue
            }
            if written == -1 && errno == EINTR {
                continue
            }
            if written == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                compactOutbound()
                setWaitingForWritable(true)
                if let maximumOutboundBytes, outboundBytes > maximumOutboundBytes {
                    pauseReading()
                }
                return
            }

            // EPIPE, ECONNRESET and the like: the peer is gone. It may have sent its reason before closing (a
            // server rejecting a connection sends an error frame, then closes), so deliver that
            // first. Nothing more can be written, and an empty queue keeps the read from flushing.
            outbound.removeAll()
            outboundOffset = 0
            handleReadable()
            close()
            return
        }

        outbound.removeAll(keepingCapacity: outbound.capacity <= 256 * 1024)
        outboundOffset = 0
        lastActivity = .now
        setWaitingForWritable(false)
        if closeWhenFlushed {
            linger()
        } else if readingPaused {
            resumeReading()
        }
    }

    /// Ends a connection whose last frame is written. Closing at once while the peer's requests are
    /// still unread makes the kernel reset the connection, and a peer whose next write then fails may
    /// never read that last frame (a refusal or a framing error). So the sending side shuts down first,
    /// and the connection closes when the peer closes, after 1 MiB of input, or after two seconds.
    private func linger() {
        guard !isClosed, !lingering else {
            return
        }
        guard Glibc.shutdown(descriptor, Int32(SHUT_WR)) == 0 else {
            close()
            return
        }

        lingering = true
        loop.update(descriptor, readable: true, writable: false)
        _ = loop.schedule(after: .seconds(2)) { [weak self] in
            self?.close()
        }
    }

    /// Reads and drops what a lingering connection's peer still sends.
    private func discardInput() {
        withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 1) { chunk in
            while !isClosed {
                let count = Glibc.read(descriptor, chunk.baseAddress, chunk.count)
                if count > 0 {
                    lingerDiscardedBytes += count
                    if lingerDiscardedBytes > 1 << 20 {
                        close()
                    }
                    continue
                }
                if count == -1 && errno == EINTR {
                    continue
                }
                if count == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return
                }
                close()
            }
        }
    }

    /// Drops the bytes already written from the front of the queue once they are the larger part of
    /// it, so a peer that reads slowly but never lets the queue empty does not keep them all alive.
    private func compactOutbound() {
        if outboundOffset >= 1 << 20 && outboundOffset * 2 >= outbound.count {
            outbound.removeFirst(outboundOffset)
            outboundOffset = 0
        }
    }

    private func setWaitingForWritable(_ waiting: Bool) {
        guard waiting != waitingForWritable, !isClosed else {
            return
        }
        waitingForWritable = waiting
        loop.update(descriptor, readable: !readingPaused && !isHeld && !peerFinishedSending, writable: waiting)
    }

    private func pauseReading() {
        guard !readingPaused, !isClosed else {
            return
        }
        readingPaused = true
        loop.update(descriptor, readable: false, writable: waitingForWritable)
    }

    private func resumeReading() {
        guard readingPaused, !isClosed, !closeWhenFlushed, !framingFailed else {
            return
        }
        readingPaused = false
        readAgainIfFree()
    }

    /// Reads the socket again once neither a pause nor a hold stops it.
    private func readAgainIfFree() {
        guard !readingPaused, !isHeld else {
            return
        }
        if !peerFinishedSending {
            loop.update(descriptor, readable: true, writable: waitingForWritable)
        }

        // Whole frames read before the pause may still wait in the decoder while the socket has
        // nothing new to report, so hand them over at the loop's next turn. Not here, because this
        // may run while the decoder is handing a frame to the delegate.
        loop.enqueue { [self] in
            deliverFrames()
        }
    }

    // MARK: EventLoopHandler

    public func handleReadable() {
        if lingering {
            discardInput()
            return
        }
        guard !isClosed, !readingPaused, !isHeld, !peerFinishedSending else {
            return
        }

        // Replies made while reading (pings, errors) leave before the loop reads the next
        // connection, so that peer can send its next request while this thread serves the others.
        // Replies from handler tasks still leave together at the end of the turn.
        defer {
            if !isClosed && !waitingForWritable && outboundOffset < outbound.count {
                flush()
            }
        }

        let chunkSize = 64 * 1024
        withUnsafeTemporaryAllocation(byteCount: chunkSize, alignment: 1) { chunk in
            while !isClosed && !readingPaused && !isHeld {
                let count = Glibc.read(descriptor, chunk.baseAddress, chunkSize)
                if count > 0 {
                    lastActivity = .now
                    decoder.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
                    deliverFrames()
                    if count < chunkSize {
                        return
                    }
                    continue
                }
                if count == -1 && errno == EINTR {
                    continue
                }
                if count == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return
                }

                if count == 0 && answersAfterPeerFinishes {
                    // The peer has finished sending but may still read, so its requests still get replies,
                    // those read but not yet taken from the decoder (behind a hold, say) included.
                    peerFinishedSending = true
                    loop.update(descriptor, readable: false, writable: waitingForWritable)
                    deliverFrames()
                    closeIfDrained()
                    return
                }

                // End of stream or a read error: the peer is gone.
                close()
                return
            }
        }
    }

    public func handleWritable() {
        guard !isClosed else {
            return
        }
        flush()
    }

    public func handleHangup() {
        guard !isClosed else {
            return
        }
        if lingering {
            close()
            return
        }

        // Read what is still buffered before closing, so a request sent just before the peer's
        // shutdown is not lost.
        handleReadable()
        if !isClosed && !closeWhenFlushed {
            close()
        }
    }

    private func deliverFrames() {
        while !isClosed && !readingPaused && !isHeld {
            let delivered: Bool?
            do {
                delivered = try decoder.withNextFrame { payload in
                    delegate?.connection(self, didReceive: payload)
                    return true
                }
            } catch {
                framingFailed = true
                pauseReading()
                delegate?.connection(self, didFailFraming: error)
                return
            }
            guard delivered != nil else {
                break
            }
        }

        // Frames replied to at once (pings, errors) leave nothing in flight to close the connection later.
        if peerFinishedSending {
            closeIfDrained()
        }
    }
}
