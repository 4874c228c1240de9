import MeshProtocol
import Synchronization
import Testing

@testable import Gateway

/// The gateway builds one description for the calls that want it at once, and keeps only complete ones.
@Suite struct DescribeCacheTests {
    /// Counts the builds, shared by the tasks that may run one.
    final class Builds: Sendable {
        private let count = Atomic<Int>(0)

        var value: Int { count.load(ordering: .relaxed) }

        func add() {
            count.add(1, ordering: .relaxed)
        }
    }

    @Test func concurrentCallsShareOneBuild() async {
        let cache = DescribeCache()
        let builds = Builds()
        let complete: [String: JSONValue] = ["methods": [], "unavailable": []]

        let results = await withTaskGroup(of: [String: JSONValue].self) { group in
            for _ in 0..<50 {
                group.addTask {
                    await cache.description(withSchemas: true) {
                        builds.add()
                        try? await Task.sleep(for: .milliseconds(50))
                        return complete
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        #expect(results.count == 50)
        #expect(results.allSatisfy { $0 == complete })
        #expect(builds.value == 1)
        _ = await cache.description(withSchemas: true) {
            builds.add()
            return complete
        }
        #expect(builds.value == 1)
    }

    @Test func descriptionMissingAServiceIsBuiltAgain() async {
        let cache = DescribeCache()
        let builds = Builds()

        for _ in 0..<3 {
            _ = await cache.description(withSchemas: false) {
                builds.add()
                return ["methods": [], "unavailable": ["billing"]]
            }
        }

        #expect(builds.value == 3)
    }
}
