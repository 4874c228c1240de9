import MeshProtocol
import Testing

@testable import Tenancy

@Suite("Issue custom fields")
struct IssueCustomFieldTests {
    static let definitions: [CompanySettings.CustomField] = [
        .init(name: "notes", type: .text, required: false),
        .init(name: "estimate", type: .number, required: false),
        .init(name: "blocking", type: .boolean, required: false),
        .init(name: "due", type: .date, required: false),
        .init(name: "severity", type: .select, required: false, options: ["S1", "S2", "S3"]),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var field: String
        var value: JSONValue
        /// The stored value when accepted, nil when the value must be rejected.
        var stored: JSONValue?

        var testDescription: String {
            "\(field) = \(JSONWriter.string(value)) -> \(stored.map { JSONWriter.string($0) } ?? "rejected")"
        }
    }

    static let cases: [Case] = [
        Case(field: "notes", value: "free text", stored: "free text"),
        Case(field: "notes", value: "", stored: ""),
        Case(field: "notes", value: 42, stored: nil),
        Case(field: "notes", value: .string(String(repeating: "x", count: 10_001)), stored: nil),
        Case(field: "estimate", value: 3, stored: 3),
        Case(field: "estimate", value: 2.5, stored: 2.5),
        Case(field: "estimate", value: "3", stored: nil),
        Case(field: "estimate", value: true, stored: nil),
        Case(field: "blocking", value: true, stored: true),
        Case(field: "blocking", value: false, stored: false),
        Case(field: "blocking", value: "yes", stored: nil),
        Case(field: "blocking", value: 1, stored: nil),
        Case(field: "due", value: "2026-03-31", stored: "2026-03-31"),
        Case(field: "due", value: "2024-02-29", stored: "2024-02-29"),
        Case(field: "due", value: "2023-02-29", stored: nil),
        Case(field: "due", value: "2026-04-31", stored: nil),
        Case(field: "due", value: "2026-13-01", stored: nil),
        Case(field: "due", value: "2026-3-1", stored: nil),
        Case(field: "due", value: "31/03/2026", stored: nil),
        Case(field: "due", value: "2026-03-31T10:00:00Z", stored: nil),
        Case(field: "due", value: 20_260_331, stored: nil),
        Case(field: "severity", value: "S2", stored: "S2"),
        Case(field: "severity", value: "s3", stored: "S3"),
        Case(field: "severity", value: "S4", stored: nil),
        Case(field: "severity", value: ["S1"], stored: nil),
    ]

    @Test("value checked by type", arguments: cases)
    func valueByType(testCase: Case) {
        let validator = CustomFieldValidator(definitions: Self.definitions)

        let outcome = validator.validate([testCase.field: testCase.value])

        if let stored = testCase.stored {
            #expect(outcome.problems.isEmpty)
            #expect(outcome.values[testCase.field] == stored)
        } else {
            #expect(outcome.problems.map(\.field) == ["custom_fields.\(testCase.field)"])
            #expect(outcome.values[testCase.field] == nil)
        }
    }

    @Test("required field missing")
    func requiredMissing() {
        let definitions = Self.definitions + [.init(name: "component", type: .text, required: true)]
        let validator = CustomFieldValidator(definitions: definitions)

        let outcome = validator.validate(["notes": "x"])

        #expect(outcome.problems.map(\.field) == ["custom_fields.component"])
        #expect(outcome.problems.first?.message.contains("required") == true)
    }

    @Test("required field given as null")
    func requiredNull() {
        let validator = CustomFieldValidator(definitions: [.init(name: "component", type: .text, required: true)])

        let outcome = validator.validate(["component": .null])

        #expect(outcome.problems.map(\.field) == ["custom_fields.component"])
    }

    @Test("unknown field rejected")
    func unknownField() {
        let validator = CustomFieldValidator(definitions: Self.definitions)

        let outcome = validator.validate(["colour": "red"])

        #expect(outcome.problems.map(\.field) == ["custom_fields.colour"])
        #expect(outcome.problems.first?.message.contains("'severity'") == true)
    }

    @Test("field names match ignoring case")
    func namesIgnoreCase() {
        let validator = CustomFieldValidator(definitions: [
            .init(name: "Sev", type: .select, required: true, options: ["Low", "High"]),
            .init(name: "Due", type: .date, required: false),
        ])

        let outcome = validator.validate(["sev": "high", "DUE": "2026-03-31"])
        let twice = validator.validate(["Sev": "Low", "sev": "High"])

        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.values == ["Sev": "High", "Due": "2026-03-31"])
        #expect(twice.problems.map(\.field) == ["custom_fields.sev"])
        #expect(twice.problems.first?.message.contains("given twice") == true)

        // A null removes the value of a field the company no longer defines, named in another case too.
        let removed = validator.validate(changes: ["old": nil], current: ["Old": true, "Sev": "High"])
        #expect(removed.problems.isEmpty, "\(removed.problems)")
        #expect(removed.values == ["Sev": "High"])
    }

    @Test("renamed field keeps one value")
    func renamedByCase() {
        // An admin renamed `Sev` to `SEV` after a value was stored under the old spelling.
        let validator = CustomFieldValidator(definitions: [.init(name: "SEV", type: .text, required: true)])
        let current: [String: JSONValue] = ["Sev": "high"]

        let set = validator.validate(changes: ["sev": "low"], current: current)
        // A removed field `Due` was later defined again as `due`: a null removes both spellings.
        let removed = validator.validate(
            changes: ["DUE": nil], current: ["Due": "2025-01-01", "due": 3, "Sev": "high"])
        let untouched = validator.validate(changes: [:], current: current)

        #expect(set.problems.isEmpty, "\(set.problems)")
        #expect(set.values == ["SEV": "low"])
        #expect(removed.problems.isEmpty, "\(removed.problems)")
        #expect(removed.values == ["Sev": "high"])
        #expect(untouched.problems.isEmpty, "\(untouched.problems)")
    }

    @Test("text value rejects controls", arguments: ["a\u{0}b", "red\u{1B}[31m", "a\u{202E}b"])
    func textControls(_ text: String) {
        let validator = CustomFieldValidator(definitions: [.init(name: "Notes", type: .text, required: false)])

        let rejected = validator.validate(["Notes": .string(text)])
        let accepted = validator.validate(["Notes": "line one\n\tline two"])

        #expect(rejected.problems.map(\.field) == ["custom_fields.Notes"])
        #expect(accepted.problems.isEmpty)
    }

    @Test("every problem listed")
    func severalProblems() {
        let definitions = Self.definitions + [.init(name: "component", type: .text, required: true)]
        let validator = CustomFieldValidator(definitions: definitions)

        let outcome = validator.validate([
            "estimate": "lots",
            "due": "tomorrow",
            "severity": "S9",
            "colour": "red",
        ])

        let fields = Set(outcome.problems.map(\.field))
        #expect(
            fields == [
                "custom_fields.estimate", "custom_fields.due", "custom_fields.severity", "custom_fields.colour",
                "custom_fields.component",
            ])
    }

    @Test("update merges and removes with null")
    func mergeChanges() {
        let validator = CustomFieldValidator(definitions: Self.definitions)
        let current: [String: JSONValue] = ["notes": "old", "estimate": 5]

        let outcome = validator.validate(
            changes: ["notes": "new", "estimate": .null, "blocking": true], current: current)

        #expect(outcome.problems.isEmpty)
        #expect(outcome.values == ["notes": "new", "blocking": true])
    }

    @Test("update cannot remove required value")
    func removeRequired() {
        let validator = CustomFieldValidator(definitions: [.init(name: "component", type: .text, required: true)])

        let outcome = validator.validate(changes: ["component": .null], current: ["component": "api"])

        #expect(outcome.problems.map(\.field) == ["custom_fields.component"])
    }

    @Test("no definitions rejects any field")
    func noDefinitions() {
        let validator = CustomFieldValidator(definitions: [])

        let outcome = validator.validate(["anything": 1])

        #expect(outcome.problems.count == 1)
        #expect(outcome.problems.first?.message.contains("defines no custom fields") == true)
    }
}
