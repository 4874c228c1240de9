import Foundation
import MeshClient
import MeshProtocol
import MeshTesting
import Synchronization
import Testing

/// Many concurrent readers and writers of one company, through the gateway of a real mesh: SQLite's
/// locking never reaches a caller, and the write-ahead log stays bounded under a steady write load.
@Suite(.serialized)
struct ContentionTests {
    static let writers = 32
    static let readers = 32
    static let issuesPerWriter = 64

    /// The size the write-ahead log may not reach: the store's journal_size_limit. MeshStore runs a
    /// checkpoint once the log passes 1000 pages (about 4 MB), so with checkpoints working the log
    /// stays near that size. The bound catches a log that keeps growing for the whole run.
    static let walBound = 64 << 20

    @Test func concurrentCallsNeverSeeLocking() async throws {
        let cluster = try await MeshCluster()
        let mesh = try MeshFixture(cluster: cluster)
        let companyID = try await mesh.provision("Contention Co", email: "owner@contention.example", tier: "platinum")
        let owner = try await mesh.signIn("owner@contention.example")

        let walPath = cluster.home.databasePath("tenancy") + "-wal"
        let load = LoadState()
        let sampler = Task {
            while load.isWriting {
                load.sampleWAL(Self.fileSize(walPath))
                try? await Task.sleep(for: .milliseconds(50))
            }
        }

        let outcomes = await withTaskGroup(of: [CallRecord].self) { group in
            for writer in 0..<Self.writers {
                group.addTask {
                    var records: [CallRecord] = []
                    for index in 0..<Self.issuesPerWriter {
                        let params: JSONValue = [
                            "company_id": .string(companyID), "title": .string("Writer \(writer) issue \(index)"), "type": "Task",
                        ]
                        records.append(await CallRecord.make("issues.create") { () async throws(RPCError) -> JSONValue in try await owner.call("issues.create", params) })
                    }
                    return records
                }
            }
            for _ in 0..<Self.readers {
                group.addTask {
                    var records: [CallRecord] = []
                    // Keep reading while any writer still writes, and at least a few times.
                    while records.count < 5 || load.isWriting {
                        records.append(await CallRecord.make("issues.list") { () async throws(RPCError) -> JSONValue in try await owner.call("issues.list", ["limit": 20]) })
                    }
                    return records
                }
            }

            var all: [CallRecord] = []
            var writersLeft = Self.writers
            for await records in group {
                all += records
                if records.first?.method == "issues.create" {
                    writersLeft -= 1
                    if writersLeft == 0 {
                        load.writersFinished()
                    }
                }
            }
            return all
        }
        load.writersFinished()
        await sampler.value
        load.sampleWAL(Self.fileSize(walPath))

        let failures = outcomes.compactMap(\.failure)
        let locking = failures.filter { $0.lowercased().contains("busy") || $0.lowercased().contains("locked") }
        #expect(locking.isEmpty, "SQLite locking reached callers: \(locking.prefix(5))")
        #expect(failures.isEmpty, "\(failures.count) calls failed, for example: \(failures.prefix(5))")

        // Every acknowledged create got a number of its own, 1 to N with no gap and no repeat.
        let numbers = outcomes.compactMap(\.issueNumber).sorted()
        let total = Self.writers * Self.issuesPerWriter
        #expect(numbers == Array(1...Int64(total)))
        #expect(outcomes.filter { $0.method == "issues.list" }.count >= Self.readers * 5)

        #expect(load.largestWAL < Self.walBound, "tenancy's WAL reached \(megabytes(load.largestWAL))")
    }

    static func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }
}

/// The outcome of one call made under contention.
struct CallRecord: Sendable {
    let method: String
    let issueNumber: Int64?
    /// The status and message of a failed call.
    let failure: String?

    static func make(_ method: String, _ call: () async throws(RPCError) -> JSONValue) async -> CallRecord {
        do throws(RPCError) {
            let result = try await call()
            return CallRecord(method: method, issueNumber: result["number"]?.intValue, failure: nil)
        } catch {
            return CallRecord(method: method, issueNumber: nil, failure: "\(method): \(error.status.name): \(error.message)")
        }
    }
}

/// Whether the writers still run, and the largest WAL size seen, shared by the tasks of the test.
final class LoadState: Sendable {
    private let state = Mutex((writing: true, largestWAL: 0))

    var isWriting: Bool { state.withLock { $0.writing } }
    var largestWAL: Int { state.withLock { $0.largestWAL } }

    func writersFinished() {
        state.withLock { $0.writing = false }
    }

    func sampleWAL(_ size: Int) {
        state.withLock { $0.largestWAL = max($0.largestWAL, size) }
    }
}
