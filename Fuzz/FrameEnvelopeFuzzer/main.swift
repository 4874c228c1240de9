// libFuzzer entry points for the frame decoder and the envelope parser.
//
// This folder is compiled together with the sources of MeshProtocol into one module by
// `scripts/fuzz`, with `-sanitize=fuzzer,address`; it is not part of the SwiftPM package. libFuzzer
// supplies `main`, calls `LLVMFuzzerInitialize` once and then `LLVMFuzzerTestOneInput` for every input
// it makes up. A broken invariant stops the run with `fatalError`, which libFuzzer reports as a crash
// and saves the input that caused it.

/// Checks one input both ways: as the payload of one frame, and as a byte stream split into frames.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    PayloadChecks.check(input)
    StreamChecks.check(input)
    return 0
}

/// Writes the seed inputs derived from the protocol's test vectors when `scripts/fuzz` requests them.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    SeedWriter.writeIfRequested()
    return 0
}
