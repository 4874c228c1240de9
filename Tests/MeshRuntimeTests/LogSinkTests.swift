import Foundation
import MeshRuntime
import Testing

/// Log lines that cannot be written: each is dropped and counted, and the process goes on.
@Suite struct LogSinkTests {
    init() {
        // As in every mesh process, a write to a pipe without a reader then fails with EPIPE instead of
        // ending the test process.
        SignalWaiter.ignoreBrokenPipes()
    }

    @Test func pipeWithoutReaderDropsLines() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let sink = LogSink.descriptor(ends[1])

        for _ in 0..<3 {
            Logger(label: "test", sink: sink).error("request.failed", ["error": "disk"])
        }

        #expect(sink.droppedLines == 3)
    }

    @Test func fullDeviceDropsLines() throws {
        let full = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(full >= 0)
        defer { close(full) }
        let sink = LogSink.descriptor(full)

        Logger(label: "test", sink: sink).info("service.started")
        Logger(label: "test", sink: sink).info("service.stopping")

        #expect(sink.droppedLines == 2)
        #expect(DescriptorWriter.writeAll(full, Array("x\n".utf8)) == ENOSPC)
    }

    @Test func reportsDroppedLinesOnceWritingWorksAgain() throws {
        let path = "/tmp/logsink-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { unlink(path) }
        let file = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        try #require(file >= 0)
        defer { close(file) }
        // The sink's descriptor starts on a full device, then points at the file, as after disk space is freed.
        let descriptor = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let logger = Logger(label: "billing", sink: LogSink.descriptor(descriptor))

        logger.info("billing.cycle_ran")
        logger.info("billing.cycle_ran")
        try #require(dup2(file, descriptor) == descriptor)
        logger.info("billing.cycle_stopped")
        logger.info("service.stopped")

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try #require(lines.count == 3)
        #expect(lines[0].hasSuffix(#"warning billing: log.lines_dropped count=2 last_error="No space left on device""#))
        #expect(lines[1].hasSuffix("info billing: billing.cycle_stopped"))
        #expect(lines[2].hasSuffix("info billing: service.stopped"))
    }
}
