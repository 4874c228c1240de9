import Foundation

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .int(let number): try container.encode(number)
        case .double(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }

    /// Decodes a Codable type from this value. A mismatch becomes INVALID_ARGUMENT naming the field
    /// path from `root`, for example "params.tier: expected a string".
    ///
    /// - Parameter root: what the value is, as the first part of every path: `params` for a request's
    ///   params (only a server passes it), `result` for a reply's result decoded by a client. The
    ///   default, `value`, keeps a local mismatch from reading like a server's rejection of params.
    public func decode<T: Decodable>(_ type: T.Type, root: String = "value") throws(RPCError) -> T {
        do {
            return try JSONValueDecoder.decode(T.self, from: self, at: [])
        } catch let error as DecodingError {
            throw JSONValue.describe(error, root: root)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.invalidArgument, "\(root) could not be read: \(error)")
        }
    }

    /// Encodes a Codable value into a JSON value (keys sorted, so output is deterministic).
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        self = try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue in
            try JSONParser.parse(buffer)
        }
    }

    static func describe(_ error: DecodingError, root: String = "params") -> RPCError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            var text = root
            for key in keys {
                if let position = key.intValue {
                    text += "[\(position)]"
                } else {
                    text += "." + key.stringValue
                }
            }
            return text
        }

        // Only root and the mesh's own processes reach a service without the gateway's company.
        func hint(_ field: String) -> String {
            field == "params.company_id"
                ? " (the gateway fills it in for a user's key; root, and calls straight to a service, must name the company)"
                : ""
        }

        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath, key)
            return RPCError(
                .invalidArgument, "\(field) is missing; it is required\(hint(field))",
                details: ["field": .string(parameterField(field))])
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return RPCError(
                .invalidArgument,
                "\(field): expected \(typeDescription(type)), \(context.debugDescription)",
                details: ["field": .string(parameterField(field))]
            )
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return RPCError(
                .invalidArgument,
                "\(field) is null; expected \(typeDescription(type))\(hint(field))",
                details: ["field": .string(parameterField(field))]
            )
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return RPCError(
                .invalidArgument,
                "\(field): \(context.debugDescription)",
                details: ["field": .string(parameterField(field))]
            )
        @unknown default:
            return RPCError(.invalidArgument, "\(root) could not be read: \(error)")
        }
    }

    /// Returns the `details.field` for a path within params: the parameter's own name, as the handlers'
    /// checks give it (`tier`, `settings.statuses[0]`), or `params` for the params as a whole.
    static func parameterField(_ path: String) -> String {
        path.hasPrefix("params.") ? String(path.dropFirst("params.".count)) : path
    }

    private static func typeDescription(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is any FixedWidthInteger.Type: return "an integer"
        case is Double.Type, is Float.Type, is Decimal.Type: return "a number"
        case is URL.Type: return "a URL string"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a value of type \(name)"
        }
    }
}
