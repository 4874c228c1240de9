import MeshProtocol
import MeshRuntime
import Testing

/// At log level debug, each call a process handles leaves one line with its trace id, status and time.
@Suite struct RequestLogTests {
    @Test func debugLevelLogsEachCallWithItsTrace() async throws {
        let fixture = try RuntimeFixture(logLevel: .debug)
        let client = fixture.client()
        defer { client.close() }
        var meta = RequestMeta()
        meta.traceID = "trace-42"

        _ = try await client.call("echo.say", params: ["text": "hi"], meta: meta)
        _ = try? await client.call("echo.say", params: ["text": 7], meta: meta)

        let lines = fixture.logs.captured.filter { $0.contains("request.finished") }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("method=echo.say") })
        #expect(lines.allSatisfy { $0.contains("trace=trace-42") })
        #expect(lines.first?.contains("status=OK") == true)
        #expect(lines.last?.contains("status=INVALID_ARGUMENT") == true)
    }

    @Test func usualLevelLogsNoLinePerCall() async throws {
        let fixture = try RuntimeFixture(logLevel: .info)
        let client = fixture.client()
        defer { client.close() }

        _ = try await client.call("echo.say", params: ["text": "hi"])

        #expect(!fixture.logs.captured.contains { $0.contains("request.finished") })
    }
}
