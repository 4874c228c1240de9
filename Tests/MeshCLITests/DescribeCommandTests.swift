import MeshProtocol
import Testing

@testable import MeshCLI

@Suite struct DescribeCommandTests {
    @Test func typeNamesShowEveryTypeButNull() {
        #expect(DescribeCommand.typeName(["type": ["string", "integer"]]) == "string|integer")
        #expect(DescribeCommand.typeName(["type": ["string", "null"]]) == "string")
        #expect(DescribeCommand.typeName(["type": "array", "items": ["type": "integer"]]) == "[integer]")
        #expect(DescribeCommand.typeName([:]) == "any")
    }
}
