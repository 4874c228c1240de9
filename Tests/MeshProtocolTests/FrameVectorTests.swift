import MeshProtocol
import Testing

/// One case of `protocol/vectors/frames.json`.
struct FrameVector: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let maximumFrameBytes: Int
    let payloads: [[UInt8]]
    /// "empty_frame" or "frame_too_large", or nil when the input is well-formed.
    let error: String?
    let leftoverBytes: Int?

    var testDescription: String { name }

    static let all: [FrameVector] = ProtocolFiles.casesOrEmpty("frames.json").compactMap(FrameVector.init)

    init?(_ json: JSONValue) {
        guard let name = json["name"]?.stringValue,
            let input = json["input_hex"]?.stringValue.flatMap({ bytes(fromHex: $0) }),
            let maximum = json["max_frame_bytes"]?.intValue,
            let expected = json["expected"],
            let payloads = expected["payloads"]?.arrayValue?.compactMap(\.stringValue)
        else {
            return nil
        }
        self.name = name
        self.input = input
        self.maximumFrameBytes = Int(maximum)
        self.payloads = payloads.map { Array($0.utf8) }
        self.error = expected["error"]?.stringValue
        self.leftoverBytes = expected["leftover_bytes"]?.intValue.map(Int.init)
    }
}

/// What a decoder produced from a sequence of appends.
struct FrameOutcome: Equatable, CustomStringConvertible {
    var payloads: [[UInt8]] = []
    var error: String?
    var leftoverBytes: Int?

    var description: String {
        let texts = payloads.map { String(decoding: $0, as: UTF8.self) }
        return "payloads \(texts), error \(error ?? "none"), leftover \(leftoverBytes.map(String.init) ?? "-")"
    }

    /// Feeds `chunks` one append at a time, taking every whole frame after each, until an error.
    static func decode(_ chunks: [ArraySlice<UInt8>], maximum: Int) -> FrameOutcome {
        var decoder = FrameDecoder(maximumFrameLength: maximum)
        var outcome = FrameOutcome()
        for chunk in chunks {
            decoder.append(Array(chunk))
            do {
                while let payload = try decoder.nextFrame() {
                    outcome.payloads.append(payload)
                }
            } catch {
                outcome.error = error.vectorName
                return outcome
            }
        }
        outcome.leftoverBytes = decoder.bufferedByteCount
        return outcome
    }
}

extension FrameError {
    /// The name the vector files use.
    var vectorName: String {
        switch self {
        case .emptyFrame: return "empty_frame"
        case .frameTooLarge: return "frame_too_large"
        }
    }
}

@Suite("Frame decoder against frames.json")
struct FrameVectorTests {
    @Test func vectorFileLoads() throws {
        let cases = try ProtocolFiles.vectorCases("frames.json")
        #expect(cases.count >= 15)
        #expect(
            FrameVector.all.count == cases.count,
            "every case has name, input_hex, max_frame_bytes and expected.payloads")
    }

    @Test(arguments: FrameVector.all)
    func wholeInputInOneAppend(_ vector: FrameVector) {
        let outcome = FrameOutcome.decode([vector.input[...]], maximum: vector.maximumFrameBytes)
        #expect(outcome == expectedOutcome(vector))
    }

    @Test(arguments: FrameVector.all)
    func oneByteAtATime(_ vector: FrameVector) {
        let chunks = vector.input.indices.map { vector.input[$0..<($0 + 1)] }
        let outcome = FrameOutcome.decode(chunks, maximum: vector.maximumFrameBytes)
        #expect(outcome == expectedOutcome(vector))
    }

    @Test(arguments: FrameVector.all)
    func everySplitIntoTwoAppends(_ vector: FrameVector) {
        for split in 0...vector.input.count {
            let chunks = [vector.input[..<split], vector.input[split...]]
            let outcome = FrameOutcome.decode(chunks, maximum: vector.maximumFrameBytes)
            #expect(outcome == expectedOutcome(vector), "split after byte \(split)")
        }
    }

    @Test(arguments: FrameVector.all.filter { $0.error == nil && $0.leftoverBytes == 0 })
    func encoderRebuildsTheInput(_ vector: FrameVector) {
        var output: [UInt8] = []
        for payload in vector.payloads {
            FrameEncoder.appendFrame(payload, to: &output)
        }
        #expect(output == vector.input)
    }

    private func expectedOutcome(_ vector: FrameVector) -> FrameOutcome {
        FrameOutcome(
            payloads: vector.payloads, error: vector.error,
            leftoverBytes: vector.error == nil ? vector.leftoverBytes : nil)
    }
}

@Suite("Frame decoder behaviour")
struct FrameDecoderTests {
    @Test func twoFramesInOneAppendComeOutInOrder() throws {
        var decoder = FrameDecoder()
        decoder.append(FrameEncoder.frame(Array("[1]".utf8)) + FrameEncoder.frame(Array("[2]".utf8)))

        #expect(try decoder.nextFrame() == Array("[1]".utf8))
        #expect(try decoder.nextFrame() == Array("[2]".utf8))
        #expect(try decoder.nextFrame() == nil)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func tooLargeReportsTheAnnouncedLengthAndTheLimit() {
        var decoder = FrameDecoder(maximumFrameLength: 100)
        decoder.append([0x00, 0x00, 0x00, 0x65])

        #expect(throws: FrameError.frameTooLarge(length: 101, maximum: 100)) {
            try decoder.nextFrame()
        }
    }

    @Test func peekLengthConsumesNothing() throws {
        var decoder = FrameDecoder()
        decoder.append([0x00, 0x00, 0x00, 0x02, UInt8(ascii: "[")])

        #expect(try decoder.peekLength() == 2)
        #expect(try decoder.peekLength() == 2)
        #expect(decoder.bufferedByteCount == 5)
        #expect(try decoder.nextFrame() == nil)
    }

    @Test func manyFramesThroughOneDecoderKeepTheirBoundaries() throws {
        var decoder = FrameDecoder()
        var received: [String] = []
        for number in 0..<2000 {
            decoder.append(FrameEncoder.frame(Array("[\(number)]".utf8)))
            while let payload = try decoder.nextFrame() {
                received.append(String(decoding: payload, as: UTF8.self))
            }
        }

        #expect(received.count == 2000)
        #expect(received.first == "[0]")
        #expect(received.last == "[1999]")
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func errorDescriptionsSayWhatToDo() {
        #expect(FrameError.emptyFrame.description.contains("at least 1 byte"))
        #expect(FrameError.frameTooLarge(length: 5, maximum: 4).description.contains("exceeds the maximum of 4 bytes"))

        // `{"js` read as a big-endian length: JSON sent without its length prefix.
        let unframed = FrameError.frameTooLarge(length: 0x7B22_6A73, maximum: 1 << 20).description
        #expect(unframed.contains(#"read as the text '{"js'"#), "\(unframed)")
        #expect(unframed.contains("without the 4-byte big-endian length"))
    }
}
