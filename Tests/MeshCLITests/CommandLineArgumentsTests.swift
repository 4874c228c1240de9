import Foundation
import Testing

@testable import MeshCLI

@Suite struct CommandLineArgumentsTests {
    @Test func splitsOptionsFlagsAndPositionals() throws {
        let arguments = try CommandLineArguments(
            ["companies.list", "--home", "/tmp/h", "--json", "--timeout-ms=500", "{}"],
            valued: ["home", "timeout-ms"], flags: ["json"])

        #expect(arguments.positional == ["companies.list", "{}"])
        #expect(arguments.option("home") == "/tmp/h")
        #expect(arguments.option("timeout-ms") == "500")
        #expect(arguments.flag("json"))
        #expect(!arguments.flag("keep"))
    }

    @Test(arguments: [["--help"], ["--hme", "/tmp/h"], ["--seconds=3"]])
    func rejectsUnknownOption(_ raw: [String]) {
        let error = #expect(throws: UsageError.self) {
            try CommandLineArguments(raw, valued: ["home"], flags: ["json"])
        }

        let name = raw[0].dropFirst(2).split(separator: "=")[0]
        #expect(error?.message.contains("unknown option --\(name)") == true)
        #expect(error?.message.contains("--home VALUE, --json") == true)
    }

    @Test func namesMissingValue() {
        let error = #expect(throws: UsageError.self) {
            try CommandLineArguments(["--home"], valued: ["home"])
        }

        #expect(error?.message == "option --home needs a value")
    }

    @Test func reportsCommandWithoutOptions() {
        let error = #expect(throws: UsageError.self) {
            try CommandLineArguments(["--verbose"], valued: [])
        }

        #expect(error?.message == "unknown option --verbose; this command takes no options")
    }

    @Test func flagWithValueIsNamed() {
        let error = #expect(throws: UsageError.self) {
            try CommandLineArguments(["--test-clock=1"], valued: ["home"], flags: ["test-clock"])
        }

        #expect(error?.message == "option --test-clock takes no value; write --test-clock alone")
    }

    @Test func singleDashOptionIsNamed() {
        let error = #expect(throws: UsageError.self) {
            try CommandLineArguments(["-test-clock"], valued: ["home"], flags: ["test-clock"])
        }

        #expect(error?.message.hasPrefix("unknown option -test-clock (did you mean --test-clock?);") == true)
    }

    @Test func suggestsCloseOption() {
        let error = #expect(throws: UsageError.self) {
            try CommandLineArguments(["--keyy", "k"], valued: ["key", "home"])
        }

        #expect(error?.message.hasPrefix("unknown option --keyy (did you mean --key?);") == true)
    }

    @Test func rejectsExtraPositional() throws {
        let arguments = try CommandLineArguments(["rpc.ping", "{}", "{}"], valued: [])

        let error = #expect(throws: UsageError.self) {
            try arguments.allowPositional(atMost: 2, command: "call")
        }

        #expect(error?.message == "unexpected argument '{}' for `mesh call`")
        #expect(throws: Never.self) { try arguments.allowPositional(atMost: 3, command: "call") }
    }

    @Test(arguments: [
        (["--home", "/tmp/h", "status"], ["status", "--home", "/tmp/h"]),
        (["--home=/tmp/h", "call", "x"], ["call", "x", "--home=/tmp/h"]),
        (["status", "--home", "/tmp/h"], ["status", "--home", "/tmp/h"]),
        (["--home"], ["--home"]),
    ])
    func movesHomeAfterCommand(_ rawArguments: [String], _ expected: [String]) {
        #expect(MeshCommand.movingHomeAfterCommand(rawArguments) == expected)
    }

    @Test func shortOptionIsRejected() throws {
        let error = #expect(throws: UsageError.self) {
            _ = try CommandLineArguments(["rpc.ping", "-k", "x"], valued: ["key"])
        }
        #expect(error?.message.hasPrefix("unknown option -k;") == true)

        let values = try CommandLineArguments(["rpc.ping", "-", "-5"], valued: ["key"])
        #expect(values.positional == ["rpc.ping", "-", "-5"])
    }

    @Test func paramsComeFromAFile() throws {
        let path = "/tmp/params-" + String(UInt32.random(in: 0...UInt32.max), radix: 36) + ".json"
        try #"{"service": "billing"}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        #expect(try CallCommand.paramsText("@" + path) == #"{"service": "billing"}"#)
        #expect(try CallCommand.paramsText("{}") == "{}")
        #expect(try CallCommand.standardInputParams(Data(" {}\n".utf8)) == " {}\n")
        let empty = #expect(throws: UsageError.self) { try CallCommand.standardInputParams(Data("\n".utf8)) }
        #expect(empty?.message.hasPrefix("standard input was empty") == true)
        #expect(throws: UsageError.self) {
            _ = try CallCommand.paramsText("@/tmp/no-such-params-file.json")
        }
    }
}

@Suite struct UnknownVariablesTests {
    @Test func mistypedVariableIsNamed() {
        let warnings = UnknownVariables.warnings(
            in: ["MESH_MAX_FRAMES_BYTES": "1000", "MESH_HOME": "/tmp/h", "PATH": "/bin", "MESH_FOO": "bar"])

        #expect(warnings.count == 2)
        #expect(warnings.first?.hasPrefix("MESH_FOO is not a variable TenantMesh reads, so it has no effect") == true)
        #expect(
            warnings.last?.hasPrefix(
                "MESH_MAX_FRAMES_BYTES is not a variable TenantMesh reads (did you mean MESH_MAX_FRAME_BYTES?)") == true
        )
    }
}
