import MeshProtocol
import MeshRuntime
import Testing

@testable import Tenancy

/// The schema `rpc.describe` gives for `companies.configure`'s `settings` accepts every patch the
/// server accepts.
@Suite struct SettingsPatchSchemaTests {
    let schema = SettingsPatch.jsonSchema

    @Test func everyMemberIsOptional() {
        #expect(schema["required"] == nil)
        #expect(schema["minProperties"] == 1)
        #expect(schema["properties"]?["notifications"]?["required"] == nil)
    }

    @Test func newCustomFieldNeedsOnlyNameAndType() {
        let field = schema["properties"]?["custom_fields"]?["items"]

        #expect(field?["required"] == ["name", "type"])
        #expect(field?["properties"]?["required"]?["type"] == "boolean")
    }

    @Test func brandingIsANullableClosedObject() {
        let branding = schema["properties"]?["branding"]

        #expect(branding?["type"] == ["object", "null"])
        #expect(branding?["required"] == ["display_name"])
        #expect(branding?["additionalProperties"] == false)
        #expect(branding?["properties"]?["footer"]?["type"] == ["string", "null"])
    }

    @Test func statusMovesMapNamesToNames() {
        let params = SchemaRecorder.schema(for: ConfigureParams.self)

        #expect(
            params["properties"]?["status_moves"] == [
                "type": ["object", "null"], "additionalProperties": ["type": "string"],
            ])
    }
}
