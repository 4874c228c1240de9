/// Carries loop-confined values through a `@Sendable` closure that runs them on the loop again.
///
/// `@unchecked Sendable`: the wrapped value is created on an event loop's thread and must only be read
/// inside jobs that run on that same loop (`loop.execute`); the wrapper only moves the reference.
public struct LoopConfined<Value>: @unchecked Sendable {
    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }
}
