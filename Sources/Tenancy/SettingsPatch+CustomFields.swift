import Foundation
import MeshProtocol
import TenantModel

extension SettingsPatch {
    /// Validates a whole `custom_fields` list: each definition, distinct names, and the tier's limit.
    mutating func customFields(_ value: JSONValue, field: String) -> [CompanySettings.CustomField]? {
        guard let elements = value.arrayValue else {
            report(field, "must be a list of field definitions, not \(value.brief)")
            return nil
        }

        if let maximum = tier.maximumCustomFields, elements.count > maximum {
            customFieldCap = CustomFieldCap(field: field, requested: elements.count, allowed: maximum, tier: tier)
        }

        var result: [CompanySettings.CustomField] = []
        var seen: Set<String> = []
        let before = problems.count
        for (index, element) in elements.enumerated() {
            let elementField = "\(field)[\(index)]"
            let definition = customField(element, field: elementField)

            // A repeated name is reported even when the rest of either definition is wrong too, so
            // one round of fixes covers every problem.
            let name = element["name"]?.stringValue.map(InputCheck.trimmed) ?? ""
            if !name.isEmpty, !seen.insert(name.caseFolded).inserted {
                report("\(elementField).name", "repeats '\(name)' (ignoring case); keep one")
                continue
            }
            if let definition {
                result.append(definition)
            }
        }
        return problems.count == before ? result : nil
    }

    /// Validates one definition {name, type, required?, options?}. Only a `select` field has options,
    /// and it needs at least one.
    private mutating func customField(_ value: JSONValue, field: String) -> CompanySettings.CustomField? {
        guard let members = value.objectValue else {
            report(field, "must be an object {name, type, required, options}, not \(value.brief)")
            return nil
        }

        let before = problems.count
        for name in members.keys.sorted() where !["name", "type", "required", "options"].contains(name) {
            report("\(field).\(name)", "is not part of a custom field; accepted: name, type, required, options")
        }

        let name = members["name"]?.stringValue.map(InputCheck.trimmed) ?? ""
        if name.isEmpty || name.unicodeScalars.count > 50 {
            report("\(field).name", "must be a string of 1 to 50 characters besides spaces")
        } else if let control = InputCheck.controlCharacter(in: name) {
            report("\(field).name", "contains \(control); use one line of visible text")
        }

        let typeNames = CompanySettings.FieldType.allCases.map(\.rawValue).joined(separator: ", ")
        // Like every value from a fixed list, a type matches ignoring letter case.
        let type = members["type"]?.stringValue.flatMap { CompanySettings.FieldType(rawValue: $0.lowercased()) }
        if type == nil {
            if let given = members["type"] {
                report("\(field).type", "must be one of \(typeNames), not \(describe(given))")
            } else {
                report("\(field).type", "is missing; use one of \(typeNames)")
            }
        }

        var required = false
        if let flag = members["required"] {
            if let value = flag.boolValue {
                required = value
            } else {
                report("\(field).required", "must be true or false, not \(flag.brief)")
            }
        }

        let options = selectOptions(members["options"], type: type, field: "\(field).options")
        guard problems.count == before, let type else {
            return nil
        }
        return CompanySettings.CustomField(name: name, type: type, required: required, options: options)
    }

    private mutating func selectOptions(
        _ value: JSONValue?,
        type: CompanySettings.FieldType?,
        field: String
    ) -> [String]? {
        guard type == .select else {
            if let value, !value.isNull {
                report(field, "are only for select fields; remove them or make the field a select")
            }
            return nil
        }

        guard let value, let elements = value.arrayValue, !elements.isEmpty else {
            report(field, "must be a non-empty list for a select field")
            return nil
        }
        if elements.count > Self.maximumNames {
            report(field, "has \(elements.count) options; keep at most \(Self.maximumNames)")
            return nil
        }

        var options: [String] = []
        var seen: Set<String> = []
        for (index, element) in elements.enumerated() {
            let option = element.stringValue.map(InputCheck.trimmed) ?? ""
            if option.isEmpty || option.unicodeScalars.count > 50 {
                report("\(field)[\(index)]", "must be a string of 1 to 50 characters besides spaces")
            } else if let control = InputCheck.controlCharacter(in: option) {
                report("\(field)[\(index)]", "contains \(control); use one line of visible text")
            } else if !seen.insert(option.caseFolded).inserted {
                report("\(field)[\(index)]", "repeats '\(option)' (ignoring case); keep one")
            } else {
                options.append(option)
            }
        }
        return options
    }

    private func describe(_ value: JSONValue?) -> String {
        switch value {
        case nil:
            return "missing"
        case .string(let text)?:
            return "'\(text)'"
        case let other?:
            return other.typeName
        }
    }
}
