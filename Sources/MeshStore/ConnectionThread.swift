import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A dedicated thread that opens one connection and uses it until its work loop returns.
///
/// SQLite calls block, so they run here instead of on the Swift concurrency pool. The connection is
/// created, used and closed on this thread only.
final class ConnectionThread: Sendable {
    private let exited = DispatchSemaphore(value: 0)
    private let threadID = ThreadIdentity()

    /// Starts the thread and waits until `open` has returned.
    ///
    /// - Parameters:
    ///   - open: creates the connection and may migrate it. Its error is rethrown here.
    ///   - serve: the work loop. When it returns, the connection is closed and the thread exits.
    init(
        name: String,
        open: @escaping @Sendable () throws -> Connection,
        serve: @escaping @Sendable (Connection) -> Void
    ) throws {
        let openResult = ResultSlot<Result<Void, StoreError>>()

        let thread = Thread { [exited, threadID] in
            threadID.recordCurrentThread()
            Self.run(open: open, serve: serve) { openResult.fill($0) }
            exited.signal()
        }
        thread.name = name
        thread.start()

        if case .failure(let error) = openResult.wait() {
            exited.wait()
            throw error
        }
    }

    /// Opens, reports, serves. A separate function so the connection is released, and its handle
    /// closed, when this returns and before the thread reports that it exited.
    private static func run(
        open: () throws -> Connection,
        serve: (Connection) -> Void,
        report: (Result<Void, StoreError>) -> Void
    ) {
        let connection: Connection
        do {
            connection = try open()
        } catch {
            report(.failure(StoreError.wrapping(error)))
            return
        }
        report(.success(()))
        serve(connection)
    }

    /// True when called on this thread.
    var isCurrent: Bool {
        threadID.isCurrentThread
    }

    /// Waits until the work loop has returned and the connection is closed. Returns at once when called
    /// on this thread, which cannot wait for itself.
    func join() {
        guard !isCurrent else {
            return
        }
        exited.wait()
        exited.signal()
    }
}

/// The POSIX id of a thread, recorded once the thread has started.
private final class ThreadIdentity: Sendable {
    private let id = Mutex<pthread_t?>(nil)

    func recordCurrentThread() {
        id.withLock { $0 = pthread_self() }
    }

    var isCurrentThread: Bool {
        guard let recorded = id.withLock({ $0 }) else {
            return false
        }
        return pthread_equal(recorded, pthread_self()) != 0
    }
}
