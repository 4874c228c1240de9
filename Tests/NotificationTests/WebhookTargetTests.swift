import MeshProtocol
import Testing

@testable import Notification

@Suite struct WebhookTargetTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/hooks/a?x=1", UInt16(8080), "/hooks/a?x=1", "127.0.0.1:8080"),
        ("http://localhost:9000", UInt16(9000), "/", "localhost:9000"),
        ("HTTP://LOCALHOST/path#part", UInt16(80), "/path", "localhost:80"),
        ("http://127.0.0.1?only=query", UInt16(80), "/?only=query", "127.0.0.1:80"),
    ])
    func loopbackURLsAreAccepted(url: String, port: UInt16, requestTarget: String, host: String) throws {
        let target = try WebhookTarget.parse(url)

        #expect(target.address == "127.0.0.1")
        #expect(target.port == port)
        #expect(target.requestTarget == requestTarget)
        #expect(target.hostHeader == host)
    }

    @Test(arguments: [
        "http://hooks.example.com/x",
        "http://10.0.0.5:80/",
        "http://127.0.0.1.example.com/",
        "http://127.0.0.2/",
        "https://127.0.0.1:8443/x",
        "ftp://127.0.0.1/",
        "http://user:secret@127.0.0.1/",
        "http://127.0.0.1:0/",
        "http://127.0.0.1:70000/",
        "http://127.0.0.1/a b",
        "http://127.0.0.1/a\r\nHost: evil",
        "127.0.0.1:8080/x",
        "",
    ])
    func otherURLsAreRejected(url: String) {
        let error = #expect(throws: RPCError.self) {
            try WebhookTarget.parse(url, field: "settings.webhook_url")
        }
        #expect(error?.status == .invalidArgument)
        #expect(error?.details?["field"]?.stringValue == "settings.webhook_url")
    }

    @Test(arguments: [(1, Int64(1000)), (2, Int64(2000)), (3, Int64(4000)), (4, Int64(8000))])
    func backoffDoublesFromOneSecond(attempt: Int, expected: Int64) {
        #expect(MessageSender.backoffMs(afterAttempt: attempt) == expected)
    }
}
