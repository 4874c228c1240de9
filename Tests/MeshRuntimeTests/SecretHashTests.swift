import Testing

@testable import MeshRuntime

@Suite struct SecretHashTests {
    /// Well-known SHA-256 digests (the empty input and the two messages of the FIPS 180-2 examples), each
    /// checked against Python's hashlib.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func sha256MatchesStandardVectors(input: String, expected: String) {
        #expect(SecretHash.sha256Hex(input) == expected)
    }

    @Test func sha256HashesUTF8Bytes() {
        // "é" is the two UTF-8 bytes C3 A9.
        #expect(SecretHash.sha256Hex("é") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")
    }

    @Test func randomHexHasTwoDigitsPerByte() {
        for count in [1, 7, 8, 9, 16, 32] {
            let text = SecretHash.randomHex(bytes: count)

            #expect(text.count == count * 2)
            #expect(text.allSatisfy { "0123456789abcdef".contains($0) })
        }
    }

    @Test func randomHexDoesNotRepeat() {
        let values = (0..<1000).map { _ in SecretHash.randomHex(bytes: 16) }

        #expect(Set(values).count == values.count)
    }
}
