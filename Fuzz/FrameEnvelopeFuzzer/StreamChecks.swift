/// Invariants of any byte stream a peer could send. Splitting it into reads differently never changes
/// the frames the decoder delivers or the error it reports. Taking frames in place and copying them
/// agree. The frames taken encode back to the bytes they came from.
enum StreamChecks {
    /// A small maximum, so that made-up length prefixes often cross it.
    static let maximumFrameLength = 4096

    /// The frames taken from one stream, and how taking them ended.
    struct Outcome: Equatable {
        var payloads: [[UInt8]] = []
        var error: FrameError?
        /// Bytes left in the decoder at the end, only meaningful without an error.
        var leftover = 0
    }

    /// Checks the input as a stream. Its first byte picks the read size and the way of taking
    /// frames, and the rest is the stream.
    static func check(_ input: UnsafeRawBufferPointer) {
        guard let control = input.first else {
            return
        }
        let stream = UnsafeRawBufferPointer(rebasing: input[1...])

        let whole = feed(stream, readSize: max(stream.count, 1), inPlace: false)
        let split = feed(stream, readSize: 1 + Int(control & 0x1F), inPlace: control & 0x80 != 0)
        guard whole == split else {
            fail("reading in pieces gave \(split.payloads.count) frames and \(String(describing: split.error)), "
                + "reading at once \(whole.payloads.count) frames and \(String(describing: whole.error))", input)
        }

        var consumed = 0
        for payload in whole.payloads {
            guard !payload.isEmpty, payload.count <= maximumFrameLength else {
                fail("a frame of \(payload.count) bytes was delivered", input)
            }
            consumed += 4 + payload.count
            // Each frame's payload goes through the envelope decoder, as a server would send it.
            _ = payload.withUnsafeBytes { RPCEnvelope.decodeIncoming($0) }
        }
        guard whole.payloads.flatMap({ FrameEncoder.frame($0) }) == Array(stream.prefix(consumed)) else {
            fail("the frames taken do not encode back to the bytes they came from", input)
        }
        if whole.error == nil && whole.leftover != stream.count - consumed {
            fail("the decoder holds \(whole.leftover) bytes, but \(stream.count - consumed) were not taken", input)
        }
    }

    private static func feed(_ stream: UnsafeRawBufferPointer, readSize: Int, inPlace: Bool) -> Outcome {
        var decoder = FrameDecoder(maximumFrameLength: maximumFrameLength)
        var outcome = Outcome()
        var offset = 0

        repeat {
            let end = min(stream.count, offset + readSize)
            decoder.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
            offset = end

            while true {
                let next: [UInt8]?
                do {
                    next = inPlace ? try decoder.withNextFrame { Array($0) } : try decoder.nextFrame()
                } catch {
                    outcome.error = error
                    return outcome
                }
                guard let next else {
                    break
                }
                outcome.payloads.append(next)
            }
        } while offset < stream.count

        outcome.leftover = decoder.bufferedByteCount
        return outcome
    }
}
