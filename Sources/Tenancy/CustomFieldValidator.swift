import MeshProtocol

/// Checks an issue's custom field values against the company's field definitions.
///
/// Every problem is collected, not only the first, so a caller can fix them all at once. Values come
/// back normalized: a select value takes the option's listed spelling when it matched case-insensitively.
public struct CustomFieldValidator: Sendable {
    /// One invalid, missing or unknown custom field value.
    public struct Problem: Error, Sendable, Hashable {
        /// The parameter path, for example `custom_fields.severity`.
        public let field: String
        public let message: String

        public var json: JSONValue {
            ["field": .string(field), "problem": .string(message)]
        }
    }

    /// The maximum length of a text value, in characters.
    public static let maximumTextLength = 10_000
    /// The maximum size of all of an issue's values together, as JSON. It keeps an issue, and the
    /// audit entry and event that carry it twice, well inside the 1 MiB frame limit.
    public static let maximumTotalBytes = 100_000

    public let definitions: [CompanySettings.CustomField]

    public init(definitions: [CompanySettings.CustomField]) {
        self.definitions = definitions
    }

    /// Validates the values of a new issue. A null value counts as absent.
    public func validate(_ values: [String: JSONValue]) -> (values: [String: JSONValue], problems: [Problem]) {
        validate(changes: values, current: [:])
    }

    /// Validates `changes` applied over `current`, the values an issue already stores.
    ///
    /// A null in `changes` removes that field's value, also the value of a field the company no longer
    /// defines. Only the changed values are checked for type, because stored values were valid when
    /// written. Required fields and the total size are checked on the merged result.
    public func validate(
        changes: [String: JSONValue],
        current: [String: JSONValue]
    ) -> (values: [String: JSONValue], problems: [Problem]) {
        var merged = current
        var problems: [Problem] = []
        // Field names are unique ignoring case, so `sev` names the field `Sev`; each field is set once.
        var givenAs: [String: String] = [:]

        for name in changes.keys.sorted() {
            let value = changes[name] ?? .null
            let definition = definition(named: name)
            if let definition {
                if let earlier = givenAs[definition.name] {
                    problems.append(
                        Problem(
                            field: path(name),
                            message:
                                "custom field '\(definition.name)' is given twice, as '\(earlier)' and '\(name)'; give it once"
                        ))
                    continue
                }
                givenAs[definition.name] = name
            }
            // A value may be stored under an older spelling of the name, from before an admin changed
            // its case, so a change replaces the value under every spelling.
            let folded = (definition?.name ?? name).caseFolded
            let spellings = merged.keys.filter { $0.caseFolded == folded }

            // A null also removes the value of a field the company has since removed, named in any case.
            if value.isNull, definition != nil || !spellings.isEmpty {
                for spelling in spellings {
                    merged[spelling] = nil
                }
                continue
            }
            guard let definition else {
                problems.append(unknownField(name))
                continue
            }

            switch normalize(value, for: definition) {
            case .success(let normalized):
                for spelling in spellings {
                    merged[spelling] = nil
                }
                merged[definition.name] = normalized
            case .failure(let problem):
                problems.append(problem)
            }
        }

        for definition in definitions where definition.required {
            let isInvalidChange = problems.contains { $0.field == path(definition.name) }
            let folded = definition.name.caseFolded
            let isStored = merged.keys.contains { $0.caseFolded == folded }
            if !isStored && !isInvalidChange {
                problems.append(
                    Problem(
                        field: path(definition.name),
                        message: "custom field '\(definition.name)' is required; give it a \(describe(definition))"
                    )
                )
            }
        }

        let size = JSONWriter.string(.object(merged)).utf8.count
        if size > Self.maximumTotalBytes {
            problems.append(
                Problem(
                    field: "custom_fields",
                    message:
                        "the issue's custom field values take \(size) bytes as JSON; shorten them to at most \(Self.maximumTotalBytes) in all"
                )
            )
        }
        return (merged, problems)
    }

    /// Returns the definition named `name`, spelled exactly or, failing that, ignoring case.
    private func definition(named name: String) -> CompanySettings.CustomField? {
        definitions.first { $0.name == name } ?? definitions.first { $0.name.caseFolded == name.caseFolded }
    }

    private func unknownField(_ name: String) -> Problem {
        let known = definitions.map { "'\($0.name)'" }.joined(separator: ", ")
        let hint =
            definitions.isEmpty
            ? "this company defines no custom fields; remove it"
            : "use one of \(known), or ask an admin to define it"
        return Problem(field: path(name), message: "'\(name)' is not a custom field of this company; \(hint)")
    }

    private func normalize(
        _ value: JSONValue,
        for definition: CompanySettings.CustomField
    ) -> Result<JSONValue, Problem> {
        let name = definition.name
        let mismatch = Problem(
            field: path(name),
            message: "custom field '\(name)' must be a \(describe(definition)), not \(value.typeName) \(preview(value))"
        )

        switch definition.type {
        case .text:
            guard let text = value.stringValue else {
                return .failure(mismatch)
            }
            guard text.unicodeScalars.count <= Self.maximumTextLength else {
                return .failure(
                    Problem(
                        field: path(name),
                        message:
                            "custom field '\(name)' has \(text.unicodeScalars.count) characters; shorten it to at most \(Self.maximumTextLength)"
                    )
                )
            }
            // A text value follows the rule of a description: line breaks and tabs, but no other control.
            if let control = InputCheck.controlCharacter(in: text, allowingLineBreaks: true) {
                return .failure(
                    Problem(
                        field: path(name),
                        message:
                            "custom field '\(name)' contains \(control); remove it (running text keeps line breaks, tabs, direction marks and isolates)"
                    ))
            }
            return .success(value)

        case .number:
            guard let number = value.doubleValue, number.isFinite else {
                return .failure(mismatch)
            }
            return .success(value)

        case .boolean:
            return value.boolValue == nil ? .failure(mismatch) : .success(value)

        case .date:
            guard let text = value.stringValue, CustomFieldDate(text) != nil else {
                return .failure(mismatch)
            }
            return .success(value)

        case .select:
            let options = definition.options ?? []
            guard let text = value.stringValue,
                let option = options.first(where: { $0 == text })
                    ?? options.first(where: { $0.caseFolded == text.caseFolded })
            else {
                return .failure(mismatch)
            }
            return .success(.string(option))
        }
    }

    private func describe(_ definition: CompanySettings.CustomField) -> String {
        switch definition.type {
        case .text:
            return "string"
        case .number:
            return "number"
        case .boolean:
            return "boolean (true or false)"
        case .date:
            return "real calendar date written YYYY-MM-DD"
        case .select:
            let options = (definition.options ?? []).map { "'\($0)'" }.joined(separator: ", ")
            return "string that is one of \(options)"
        }
    }

    /// A short rendering of a rejected value, so long texts do not flood the message.
    private func preview(_ value: JSONValue) -> String {
        let text = JSONWriter.string(value)
        return text.count <= 40 ? text : String(text.prefix(37)) + "..."
    }

    private func path(_ name: String) -> String {
        "custom_fields.\(name)"
    }
}
