import MeshProtocol

/// A result type that builds its own JSON, so the method table skips the JSONEncoder round trip.
///
/// `json` must hold exactly what the type's `Encodable` conformance would write; the schema in
/// `rpc.describe` is still recorded from its `Decodable` side.
public protocol JSONValueConvertible {
    var json: JSONValue { get }
}
