import MeshProtocol
import Testing

@testable import MeshCLI

@Suite struct DescribeCommandTests {
    @Test func typeNamesShowEveryType() {
        #expect(DescribeCommand.typeName(["type": ["string", "integer"]]) == "string|integer")
        #expect(DescribeCommand.typeName(["type": ["string", "null"]]) == "string|null")
        #expect(DescribeCommand.typeName(["type": "array", "items": ["type": "integer"]]) == "[integer]")
        #expect(DescribeCommand.typeName([:]) == "any")
        #expect(DescribeCommand.typeName(["type": ["string", "null"], "enum": ["a", "b", nil]]) == "a|b|null")
        #expect(DescribeCommand.typeName(["type": "string", "enum": ["a", "b"]]) == "a|b")
        #expect(
            DescribeCommand.typeName(
                ["type": ["object", "null"], "additionalProperties": ["type": ["string", "number", "null"]]])
                == "{name: string|number|null}|null")
    }

    @Test func renderIndentsTheMembersOfNestedObjects() throws {
        let description: JSONValue = [
            "service": "tenancy", "protocol": "tenantmesh/1",
            "methods": [
                [
                    "name": "companies.configure", "scope": "company", "summary": "Change settings",
                    "params": [
                        "type": "object", "required": ["settings"],
                        "properties": [
                            "settings": [
                                "type": "object",
                                "properties": [
                                    "custom_fields": [
                                        "type": "array",
                                        "items": [
                                            "type": "object", "required": ["name"],
                                            "properties": ["name": ["type": "string"]],
                                        ],
                                    ],
                                    "statuses": ["type": "array", "items": ["type": "string"]],
                                ],
                            ]
                        ],
                    ],
                ]
            ],
        ]

        let lines = DescribeCommand.render(description).split(separator: "\n").map(String.init)

        let start = try #require(lines.firstIndex(of: "    settings: object"))
        #expect(
            Array(lines[(start + 1)...]) == [
                "      custom_fields?: [object]",
                "        name: string",
                "      statuses?: [string]",
            ])
    }

    @Test func renderNamesServiceAndNotes() {
        let description: JSONValue = [
            "service": "gateway", "protocol": "tenantmesh/1",
            "methods": [
                [
                    "name": "issues.list", "scope": "company", "service": "tenancy", "summary": "List issues",
                    "params": [
                        "type": "object",
                        "properties": [
                            "company_id": ["type": ["string", "null"], "description": "left out: own"],
                            "limit": ["type": "integer"],
                        ],
                    ],
                ]
            ],
        ]

        let text = DescribeCommand.render(description)

        #expect(text.contains("issues.list  [company, served by tenancy]"))
        // An optional member that takes null shows it, and one that rejects null does not.
        #expect(text.contains("company_id?: string|null  (left out: own)"))
        #expect(text.split(separator: "\n").contains("    limit?: integer"))
    }
}
