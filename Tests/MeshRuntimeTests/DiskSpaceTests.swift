import Foundation
import MeshProtocol
import Testing

@testable import MeshRuntime

/// Health reads the free space under the database itself, so a process on a full disk is not SERVING.
@Suite struct DiskSpaceTests {
    @Test func nearlyFullDiskIsReported() {
        let report = DiskSpace.report(free: 4_096, process: "billing")

        #expect(report?["state"] == "error")
        #expect(report?["reason"] == "disk_full")
        #expect(
            report?["detail"]?.stringValue?.hasPrefix(
                "the disk holding billing's database data/billing.sqlite has 4096 bytes free") == true)
    }

    @Test func enoughSpaceOrNoReadingReportsNothing() {
        #expect(DiskSpace.report(free: DiskSpace.minimumFreeBytes, process: "billing") == nil)
        #expect(DiskSpace.report(free: nil, process: "billing") == nil)
    }

    @Test func freeSpaceIsReadFromTheFileSystem() throws {
        let free = try #require(DiskSpace.available(at: NSTemporaryDirectory()))
        #expect(free > 0)
        #expect(DiskSpace.available(at: "/no/such/folder/here") == nil)
    }
}
