import Foundation
import MeshRuntime
import Testing

@testable import MeshCLI

/// The supervisor's log files: appended, truncatable in place, and recreated with their folder.
@Suite struct LogFileTests {
    let scratch: ScratchHome
    var home: MeshHome { scratch.home }

    init() throws {
        scratch = try ScratchHome("logfile")
    }

    private func append(_ handle: FileHandle, _ text: String) {
        DescriptorWriter.writeAll(handle.fileDescriptor, Array(text.utf8))
    }

    @Test func truncatedLogGoesOnFromItsStart() throws {
        defer { scratch.remove() }
        let handle = try home.openLog("billing")
        append(handle, "first line, which logrotate copies away\n")

        // What `copytruncate` does: the file is emptied while the process keeps writing to it.
        try #require(truncate(home.logPath("billing"), 0) == 0)
        append(handle, "second line\n")

        let bytes = try #require(FileManager.default.contents(atPath: home.logPath("billing")))
        #expect(!bytes.contains(0))
        #expect(String(decoding: bytes, as: UTF8.self) == "second line\n")
    }

    @Test func reopenedLogIsAppended() throws {
        defer { scratch.remove() }
        append(try home.openLog("billing"), "before restart\n")

        append(try home.openLog("billing"), "after restart\n")

        #expect(
            try String(contentsOfFile: home.logPath("billing"), encoding: .utf8) == "before restart\nafter restart\n")
    }

    @Test func linkInPlaceOfTheLogIsNotFollowed() throws {
        defer { scratch.remove() }
        let target = home.root + "/elsewhere.txt"
        try "someone's file\n".write(toFile: target, atomically: false, encoding: .utf8)
        _ = try home.openLog("billing")
        try FileManager.default.removeItem(atPath: home.logPath("billing"))
        try FileManager.default.createSymbolicLink(atPath: home.logPath("billing"), withDestinationPath: target)

        let error = #expect(throws: RuntimeFailure.self) { try home.openLog("billing") }

        #expect(error?.message.contains("is a symbolic link") == true)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "someone's file\n")
    }

    @Test func missingLogFolderIsRecreated() throws {
        defer { scratch.remove() }
        try FileManager.default.moveItem(atPath: home.logDirectory, toPath: home.root + "/logs.moved")

        append(try home.openLog("billing"), "after the move\n")

        #expect(try String(contentsOfFile: home.logPath("billing"), encoding: .utf8) == "after the move\n")
    }

    @Test func failureNamesTheErrno() throws {
        defer { scratch.remove() }
        try FileManager.default.removeItem(atPath: home.logDirectory)
        #expect(FileManager.default.createFile(atPath: home.logDirectory, contents: Data("not a folder".utf8)))

        let error = #expect(throws: RuntimeFailure.self) { try home.openLog("billing") }

        #expect(
            error?.message.contains("could not open \(home.logPath("billing")) for appending: Not a directory") == true)
    }
}
