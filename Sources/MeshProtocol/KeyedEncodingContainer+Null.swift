extension KeyedEncodingContainer {
    /// Encodes `value`, or an explicit JSON null when it is nil, so a reader sees the member either way
    /// (synthesized encoding would leave the member out).
    public mutating func encodeOrNull<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        if let value {
            try encode(value, forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }
}
