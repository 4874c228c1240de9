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

    @Test func renderNamesServiceAndNotes() {
        let description: JSONValue = [
            "service": "gateway", "protocol": "tenantmesh/1",
            "methods": [
                [
                    "name": "issues.list", "scope": "company", "service": "tenancy", "summary": "List issues",
                    "params": [
                        "type": "object",
                        "properties": ["company_id": ["type": ["string", "null"], "description": "left out: own"]],
                    ],
                ]
            ],
        ]

        let text = DescribeCommand.render(description)

        #expect(text.contains("issues.list  [company, served by tenancy]"))
        #expect(text.contains("company_id?: string  (left out: own)"))
    }
}
