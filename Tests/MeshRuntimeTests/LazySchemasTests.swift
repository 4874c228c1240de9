import MeshProtocol
import Synchronization
import Testing

@testable import MeshRuntime

@Suite struct LazySchemasTests {
    @Test func recordsOnFirstUseOnly() {
        let calls = Atomic<Int>(0)
        let schemas = LazySchemas {
            calls.add(1, ordering: .relaxed)
            return (["type": "object", "properties": ["name": ["type": "string"]]], ["type": "string"])
        }
        #expect(calls.load(ordering: .relaxed) == 0)

        let first = schemas.value
        let second = schemas.value

        #expect(calls.load(ordering: .relaxed) == 1)
        #expect(first.paramMembers == ["name"])
        #expect(second.result == ["type": "string"])
    }

    @Test func freeFormParamsHaveNoMemberList() {
        let schemas = LazySchemas { (["type": "object"], [:]) }

        #expect(schemas.value.paramMembers == nil)
    }

    @Test func concurrentFirstCallersSeeOneRecording() async {
        let schemas = LazySchemas { (["type": "object", "properties": ["id": ["type": "string"]]], [:]) }

        let members = await withTaskGroup(of: Set<String>?.self) { group in
            for _ in 0..<16 {
                group.addTask { schemas.value.paramMembers }
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
            paramsSchema: ["type": "object"], resultSchema: ["type": "object"]
        )

        #expect(descriptor.json["params"] == ["type": "object"])
        #expect(descriptor.json["name"] == "demo.echo")
    }
}
