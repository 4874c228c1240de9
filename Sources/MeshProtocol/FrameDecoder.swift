/// A frame-layer failure. The connection that produced it cannot be trusted to stay in sync, so the
/// receiver answers with an error frame and closes.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 4-byte length prefix was zero.
    case emptyFrame
    /// The length prefix announced more bytes than the receiver's maximum.
    case frameTooLarge(length: UInt32, maximum: Int)

    public var description: String {
        switch self {
        case .emptyFrame:
            return "frame length is 0; every frame must carry a JSON payload of at least 1 byte"
        case .frameTooLarge(let length, let maximum):
            let prefix = withUnsafeBytes(of: length.bigEndian) { Array($0) }
            guard prefix.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                return
                    "frame length \(length) exceeds the maximum of \(maximum) bytes; split the request or raise the limit"
            }
            // Printable bytes where the length should be mean the sender wrote text with no prefix.
            let text = String(decoding: prefix, as: UTF8.self)
            return "frame length \(length) exceeds the maximum of \(maximum) bytes: its 4 bytes read as the text "
                + "'\(text)', so the sender probably wrote JSON or HTTP without the 4-byte big-endian length that "
                + "must come before each payload"
        }
    }
}

/// Splits a byte stream into frames: a 4-byte unsigned big-endian length N, then N payload bytes.
///
/// Bytes are consumed only once a whole frame has arrived. An oversized length is rejected as soon as
/// its 4 prefix bytes are seen, before any buffer of that size is allocated.
public struct FrameDecoder: Sendable {
    public static let defaultMaximumFrameLength = 1 << 20

    public let maximumFrameLength: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    public init(maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// The number of received bytes that do not yet form a whole frame.
    public var bufferedByteCount: Int {
        buffer.count - readIndex
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Returns the next whole payload, nil when more bytes are needed, or throws on a bad length.
    public mutating func nextFrame() throws(FrameError) -> [UInt8]? {
        guard let length = try peekLength() else {
            return nil
        }

        let start = readIndex + 4
        guard buffer.count - start >= length else {
            return nil
        }

        let payload = Array(buffer[start..<(start + length)])
        readIndex = start + length
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            readIndex = 0
        }
        return payload
    }

    /// Calls `body` with the next whole payload in place, without copying it, then consumes it.
    /// Returns nil when more bytes are needed. The buffer is valid only inside `body`.
    public mutating func withNextFrame<Result>(
        _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(FrameError) -> Result? {
        guard let length = try peekLength() else {
            return nil
        }

        let start = readIndex + 4
        guard buffer.count - start >= length else {
            return nil
        }

        let result = buffer.withUnsafeBytes { bytes in
            body(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]))
        }
        readIndex = start + length
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            readIndex = 0
        }
        return result
    }

    /// Whether a whole frame waits to be taken, or a bad length prefix that taking it would report.
    public var hasCompleteFrame: Bool {
        do {
            guard let length = try peekLength() else {
                return false
            }
            return bufferedByteCount - 4 >= length
        } catch {
            return true
        }
    }

    /// Validates the pending length prefix without consuming anything.
    public func peekLength() throws(FrameError) -> Int? {
        guard buffer.count - readIndex >= 4 else {
            return nil
        }

        let length =
            UInt32(buffer[readIndex]) << 24 | UInt32(buffer[readIndex + 1]) << 16
            | UInt32(buffer[readIndex + 2]) << 8 | UInt32(buffer[readIndex + 3])
        if length == 0 {
            throw .emptyFrame
        }
        if Int(length) > maximumFrameLength {
            throw .frameTooLarge(length: length, maximum: maximumFrameLength)
        }
        return Int(length)
    }

    private mutating func compactIfWorthwhile() {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }
}

/// Builds frames for sending.
public enum FrameEncoder {
    /// Prefixes `payload` with its 4-byte big-endian length.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        var framed: [UInt8] = []
        framed.reserveCapacity(payload.count + 4)
        appendFrame(payload, to: &framed)
        return framed
    }

    public static func appendFrame(_ payload: [UInt8], to output: inout [UInt8]) {
        let length = UInt32(payload.count)
        output.append(UInt8(truncatingIfNeeded: length >> 24))
        output.append(UInt8(truncatingIfNeeded: length >> 16))
        output.append(UInt8(truncatingIfNeeded: length >> 8))
        output.append(UInt8(truncatingIfNeeded: length))
        output.append(contentsOf: payload)
    }
}
