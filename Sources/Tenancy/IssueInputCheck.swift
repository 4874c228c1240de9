import Foundation
import MeshProtocol

/// Checks the fields of an issue's create or update params against the company's settings.
///
/// Each check records a problem instead of throwing, so one INVALID_ARGUMENT lists every problem of the
/// request. Vocabulary values (type, priority) match case-insensitively and come back in the company's
/// spelling.
struct IssueInputCheck {
    typealias Problem = CustomFieldValidator.Problem

    /// Title length bounds, in characters after trimming surrounding whitespace.
    static let titleLengths = 1...500
    /// The maximum length of a description, in characters.
    static let maximumDescriptionLength = 50_000

    let settings: CompanySettings
    private(set) var problems: [Problem] = []

    init(settings: CompanySettings) {
        self.settings = settings
    }

    /// Returns the trimmed title, or records a problem and returns nil.
    mutating func title(_ title: String) -> String? {
        let trimmed = InputCheck.trimmed(title)
        guard Self.titleLengths.contains(trimmed.unicodeScalars.count) else {
            let detail = trimmed.isEmpty ? "is empty" : "has \(trimmed.unicodeScalars.count) characters"
            problems.append(
                Problem(
                    field: "title",
                    message:
                        "title \(detail); give a title of \(Self.titleLengths.lowerBound) to \(Self.titleLengths.upperBound) characters"
                )
            )
            return nil
        }
        if let problem = InputCheck.lineProblem(trimmed, field: "title") {
            problems.append(Problem(field: "title", message: problem))
            return nil
        }
        return trimmed
    }

    mutating func description(_ description: String) -> String? {
        guard description.unicodeScalars.count <= Self.maximumDescriptionLength else {
            problems.append(
                Problem(
                    field: "description",
                    message:
                        "description has \(description.unicodeScalars.count) characters; shorten it to at most \(Self.maximumDescriptionLength)"
                )
            )
            return nil
        }
        // Line breaks and tabs belong in a description; other control characters (NUL, escape
        // sequences) would reach terminals and emails as they are.
        if let control = InputCheck.controlCharacter(in: description, allowingLineBreaks: true) {
            problems.append(
                Problem(
                    field: "description",
                    message:
                        "description contains \(control); remove it (running text keeps line breaks, tabs, direction marks and isolates)"
                ))
            return nil
        }
        return description
    }

    mutating func type(_ type: String) -> String? {
        choice(type, from: settings.types, field: "type", plural: "issue types")
    }

    mutating func priority(_ priority: String) -> String? {
        choice(priority, from: settings.priorities, field: "priority", plural: "priorities")
    }

    /// The priority of an issue created without one: "Medium" when the company has it, otherwise its
    /// second priority, or its only one.
    var defaultPriority: String {
        if let medium = settings.priorities.first(where: { $0.caseFolded == "medium" }) {
            return medium
        }
        return settings.priorities.count >= 2 ? settings.priorities[1] : settings.priorities.first ?? "Medium"
    }

    /// Validates custom field `changes`, an object of name to value, over the `current` values and
    /// returns the merged values.
    mutating func customFields(_ changes: JSONValue, current: [String: JSONValue]) -> [String: JSONValue] {
        guard let changes = changes.objectValue else {
            problems.append(
                Problem(
                    field: "custom_fields",
                    message: "custom_fields must be an object of field name to value, not \(changes.typeName)"
                )
            )
            return current
        }

        let validator = CustomFieldValidator(definitions: settings.customFields)
        let outcome = validator.validate(changes: changes, current: current)
        problems += outcome.problems
        return outcome.values
    }

    /// Throws one INVALID_ARGUMENT listing every recorded problem, or returns when there are none.
    func throwIfProblems(method: String) throws(RPCError) {
        guard let first = problems.first else {
            return
        }

        let message =
            problems.count == 1
            ? first.message
            : "\(method) has \(problems.count) problems: " + problems.map(\.message).joined(separator: "; ")
        throw RPCError(
            .invalidArgument,
            message,
            details: ["field": .string(first.field), "problems": .array(problems.map(\.json))]
        )
    }

    private mutating func choice(_ value: String, from allowed: [String], field: String, plural: String) -> String? {
        if let exact = allowed.first(where: { $0 == value }) {
            return exact
        }
        if let folded = allowed.first(where: { $0.caseFolded == value.caseFolded }) {
            return folded
        }

        let listed = allowed.map { "'\($0)'" }.joined(separator: ", ")
        problems.append(
            Problem(
                field: field,
                message: "\(field) '\(value)' is not one of this company's \(plural); use one of \(listed)"
            )
        )
        return nil
    }
}
