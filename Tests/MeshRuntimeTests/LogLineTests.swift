import MeshRuntime
import Testing

@Suite struct LogLineTests {
    @Test func longValueIsCutWithItsSize() throws {
        let sink = LogSink.memory()
        let logger = Logger(label: "test", sink: sink)

        logger.notice("reply.too_large", ["method": String(repeating: "m", count: 1_000_000)])

        let line = try #require(sink.captured.first)
        #expect(line.utf8.count < 400)
        #expect(line.hasSuffix(#"...(1000000 bytes)""#))
    }

    @Test func shortValueIsKeptWhole() throws {
        let sink = LogSink.memory()
        let logger = Logger(label: "test", sink: sink)

        logger.notice("call.failed", ["method": "issues.create", "reason": "a b"])

        let line = try #require(sink.captured.first)
        #expect(line.hasSuffix(#"method=issues.create reason="a b""#))
    }
}
