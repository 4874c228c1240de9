extension KeyedEncodingContainer {
    /// Encodes `value`, or JSON null when it is nil, so the member is always present for readers
    /// (synthesized encoding leaves a nil member out).
    mutating func encodeOrNull<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        if let value {
            try encode(value, forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }
}
