import MeshProtocol

/// A `Decodable` type that decodes some members as `JSONValue`, so that it can check them itself with
/// messages that name each problem, and states the schema those members take.
///
/// The recorder still records every member from the type's init, so names and optionality come from
/// the code. A schema listed here replaces the one recorded for that member (the open `{}` of a
/// `JSONValue`), and an optional member's schema is widened to accept null.
public protocol MemberSchemaProviding {
    static var memberSchemas: [String: JSONValue] { get }
}
