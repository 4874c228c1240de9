import MeshProtocol
import Testing

@Suite struct RPCIDTests {
    @Test func lookalikeStringsAreDifferentIDs() {
        let composed = RPCID.string("\u{e9}")
        let decomposed = RPCID.string("e\u{301}")

        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(composed == RPCID.string("\u{e9}"))
    }

    @Test func kindsNeverMatch() {
        #expect(RPCID.int(1) != RPCID.string("1"))
        #expect(RPCID.null != RPCID.string(""))
        #expect(RPCID.null == RPCID.null)
    }
}
