import Foundation
import Testing

@testable import MeshCLI

@Suite struct CallParamsTests {
    @Test func brokenSyntaxSuggestsQuoting() {
        let error = #expect(throws: UsageError.self) { try CallCommand.parseParams("{company_id: cmp_1}") }

        #expect(error?.message.contains("quote them for the shell") == true)
    }

    @Test func brokenFileOrInputIsNotAboutQuoting() {
        let error = #expect(throws: UsageError.self) {
            try CallCommand.parseParams("{company_id: cmp_1}", fromArgument: false)
        }

        #expect(error?.message.contains("quote them for the shell") == false)
        #expect(error?.message.contains("fix the JSON in the file or input") == true)
    }

    @Test func textThatIsNotUTF8IsRefused() throws {
        let error = #expect(throws: UsageError.self) {
            try CallCommand.utf8Text(
                Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]), from: "standard input")
        }

        #expect(error?.message.contains("byte 6") == true)
        #expect(try CallCommand.utf8Text(Data("{\"a\": \"é\"}".utf8), from: "standard input") == "{\"a\": \"é\"}")
    }

    @Test func numberOutOfRangeNamesTheValue() {
        let error = #expect(throws: UsageError.self) { try CallCommand.parseParams(#"{"estimate": 1e400}"#) }

        #expect(error?.message.contains("quote") == false)
        #expect(error?.message.contains("correct that value") == true)
    }

    @Test func paramsMustBeAnObject() {
        let error = #expect(throws: UsageError.self) { try CallCommand.parseParams("[1, 2]") }

        #expect(error?.message.contains("must be a JSON object") == true)
    }
}
