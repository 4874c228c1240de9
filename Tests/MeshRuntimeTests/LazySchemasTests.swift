import MeshProtocol
import Synchronization
import Testing

@testable import MeshRuntime

@Suite struct LazySchemasTests {
    /// A call's member names and enums are kept from the first request. Whole schemas, which only a
    /// full `rpc.describe` reports, are recorded for each request and not kept.
    @Test func keepsMemberNamesAndRecordsWholeSchemasEachTime() {
        let paramsCalls = Atomic<Int>(0)
        let resultCalls = Atomic<Int>(0)
        let schemas = LazySchemas(
            params: {
                paramsCalls.add(1, ordering: .relaxed)
                return ["type": "object", "properties": ["name": ["type": "string"]]]
            },
            result: {
                resultCalls.add(1, ordering: .relaxed)
                return ["type": "string"]
            }
        )
        #expect(paramsCalls.load(ordering: .relaxed) == 0)

        let first = schemas.params
        let second = schemas.params

        #expect(paramsCalls.load(ordering: .relaxed) == 1)
        #expect(first.members == ["name"])
        #expect(second.members == ["name"])
        // A call needs only the params, so the result is not recorded until asked for.
        #expect(resultCalls.load(ordering: .relaxed) == 0)
        #expect(schemas.result == ["type": "string"])
        #expect(schemas.result == ["type": "string"])
        #expect(resultCalls.load(ordering: .relaxed) == 2)
        #expect(schemas.paramsSchema["type"] == "object")
        #expect(paramsCalls.load(ordering: .relaxed) == 2)
    }

    @Test func freeFormParamsHaveNoMemberList() {
        let schemas = LazySchemas(params: { ["type": "object"] }, result: { [:] })

        #expect(schemas.params.members == nil)
    }

    @Test func closedParamsWithoutPropertiesHaveNoMembers() {
        let schemas = LazySchemas(params: { ["type": "object", "additionalProperties": false] }, result: { [:] })

        #expect(schemas.params.members == [])
    }

    @Test func concurrentFirstCallersSeeOneRecording() async {
        let schemas = LazySchemas(
            params: { ["type": "object", "properties": ["id": ["type": "string"]]] }, result: { [:] })

        let members = await withTaskGroup(of: Set<String>?.self) { group in
            for _ in 0..<16 {
                group.addTask { schemas.params.members }
            }
            var all: [Set<String>?] = []
            for await value in group {
                all.append(value)
            }
            return all
        }

        #expect(members.count == 16)
        #expect(members.allSatisfy { $0 == ["id"] })
    }

    @Test func handwrittenDescriptorKeepsItsSchemas() {
        let descriptor = MethodDescriptor(
            name: "demo.echo", summary: "Echoes.", scope: .internal,
            paramsSchema: ["type": "object", "properties": ["b": [:], "a": [:]]], resultSchema: ["type": "object"]
        )

        #expect(descriptor.json["params"]?["type"] == "object")
        #expect(descriptor.json["name"] == "demo.echo")
        #expect(descriptor.summaryJSON["param_names"] == ["a", "b"])
        #expect(descriptor.summaryJSON["params"] == nil)
    }
}
