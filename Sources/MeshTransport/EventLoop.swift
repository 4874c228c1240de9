import CSystem
import Foundation
import Glibc
import Synchronization

/// Something registered with an event loop that reacts to readiness of one file descriptor.
///
/// Every method is called on the loop's thread.
public protocol EventLoopHandler: AnyObject {
    func handleReadable()
    func handleWritable()
    /// The peer hung up or the descriptor reported an error.
    func handleHangup()
}

/// Something that buffers writes during a loop turn and writes them when the turn ends.
public protocol EventLoopFlushable: AnyObject {
    func flushWrites()
}

/// One thread that waits on epoll and runs the handlers of ready file descriptors, jobs posted from
/// other threads, and timers.
///
/// Handlers and timers run only on the loop thread, so the objects they touch need no locks.
/// `@unchecked Sendable`: the mutable state outside `pending` is touched only on the loop thread
/// (checked by `assertInLoop`), and `pending` is guarded by a Mutex.
public final class EventLoop: @unchecked Sendable {
    private let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    /// Jobs posted for the next turn. Once the loop has ended, `closed` is set and no job is taken.
    private struct PendingJobs {
        var jobs: [@Sendable () -> Void] = []
        var closed = false
    }

    private let pending = Mutex(PendingJobs())
    private var handlers: [Int32: any EventLoopHandler] = [:]
    private var flushQueue: [any EventLoopFlushable] = []
    private var timers = TimerHeap()
    private let threadID = Mutex<pthread_t?>(nil)
    private let stopping = Atomic<Bool>(false)
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    public let name: String
    /// How long the loop keeps polling for events after a turn that had some, before it sleeps.
    private let busyPoll: Duration

    /// - Parameter busyPoll: after a turn that handled events, poll without sleeping for up to this long
    ///   before blocking in epoll. A reply expected within microseconds then finds the thread awake
    ///   instead of paying for a wake-up on another CPU, at the cost of that CPU while the poll lasts.
    ///   An idle loop never polls, because only a turn with events starts a poll. Zero turns it off.
    public init(name: String, busyPoll: Duration = .zero) throws(SystemError) {
        self.name = name
        self.busyPoll = busyPoll
        epollDescriptor = try retryingInterrupts("epoll_create1") { csystem_epoll_create() }
        do {
            wakeDescriptor = try retryingInterrupts("eventfd") { csystem_eventfd() }
        } catch {
            close(epollDescriptor)
            throw error
        }
        try retryingInterrupts("epoll_ctl") {
            csystem_epoll_ctl(epollDescriptor, csystem_epoll_ctl_add(), wakeDescriptor, csystem_epollin())
        }
    }

    deinit {
        close(wakeDescriptor)
        close(epollDescriptor)
    }

    /// Starts the loop's thread. Returns once the thread runs.
    ///
    /// The thread's closure keeps the loop alive until the loop stops. The loop keeps no reference to
    /// the thread, so a stopped loop that nothing else holds is freed and closes its descriptors.
    public func start() {
        let thread = Thread { [self] in
            threadID.withLock { $0 = pthread_self() }
            started.signal()
            run()
            finished.signal()
        }
        thread.name = "loop-\(name)"
        // Frames are parsed on this thread, and the parser recurses once per level of nesting, up to
        // 512 levels (protocol/SPEC.md section 4.4). In a debug build a level takes about 3 KB of
        // stack (1 MiB overflowed between 300 and 400 levels), so 8 MiB leaves room to spare.
        thread.stackSize = 8 << 20
        thread.start()
        started.wait()
    }

    /// Stops the loop and waits for its thread to finish. Safe to call more than once.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        wake()
        if !inLoop {
            finished.wait()
        }
    }

    public var inLoop: Bool {
        guard let loopThread = threadID.withLock({ $0 }) else {
            return false
        }
        return pthread_equal(loopThread, pthread_self()) != 0
    }

    public func assertInLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inLoop, "must run on event loop \(name)", file: file, line: line)
    }

    /// Runs `job` on the loop thread: at once when called there, otherwise at the loop's next turn.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        _ = executeIfRunning(job)
    }

    /// Runs `job` like `execute`, or returns false without running it when the loop has ended, so a
    /// caller that waits for the job can fail instead of waiting forever.
    public func executeIfRunning(_ job: @escaping @Sendable () -> Void) -> Bool {
        if inLoop {
            job()
            return true
        }
        return enqueueIfRunning(job)
    }

    /// Runs `job` on the loop thread at its next turn, even when called from the loop thread.
    public func enqueue(_ job: @escaping @Sendable () -> Void) {
        _ = enqueueIfRunning(job)
    }

    private func enqueueIfRunning(_ job: @escaping @Sendable () -> Void) -> Bool {
        let wasEmpty = pending.withLock { queue -> Bool? in
            guard !queue.closed else {
                return nil
            }
            queue.jobs.append(job)
            return queue.jobs.count == 1
        }
        guard let wasEmpty else {
            return false
        }

        // The loop drains its queue after every turn, so only another thread needs to wake it.
        if wasEmpty && !inLoop {
            wake()
        }
        return true
    }

    /// Runs `body` on the loop thread and waits for its result. For startup and shutdown, never from
    /// the loop's own handlers with a lock held.
    public func runAndWait<T>(_ body: () -> T) -> T {
        if inLoop {
            return body()
        }

        return withoutActuallyEscaping(body) { escapable in
            // The closure and result cross to the loop thread and back while this thread blocks on
            // the semaphore, so nothing touches them concurrently.
            let handoff = Handoff<T>(escapable)
            let done = DispatchSemaphore(value: 0)
            let queued = enqueueIfRunning {
                handoff.run()
                done.signal()
            }
            guard queued else {
                // The loop has ended, so no other thread touches its state any more.
                return escapable()
            }
            done.wait()
            return handoff.result!
        }
    }

    // MARK: Registration (loop thread only)

    public func register(_ descriptor: Int32, handler: any EventLoopHandler, writable: Bool = false) throws(SystemError)
    {
        assertInLoop()
        handlers[descriptor] = handler
        do throws(SystemError) {
            try retryingInterrupts("epoll_ctl(ADD)") {
                csystem_epoll_ctl(epollDescriptor, csystem_epoll_ctl_add(), descriptor, interest(writable: writable))
            }
        } catch {
            // Not watched, so not kept: the caller still owns the descriptor and closes it.
            handlers[descriptor] = nil
            throw error
        }
    }

    /// Changes whether the loop reports `descriptor` as writable (and whether it reports it as readable).
    ///
    /// A peer's half-close (EPOLLRDHUP) is watched only together with readability: while reading is
    /// paused, a level-triggered half-close that no handler consumes would wake the loop on every
    /// turn. A full hang-up and errors are always reported.
    public func update(_ descriptor: Int32, readable: Bool = true, writable: Bool) {
        assertInLoop()
        var events: UInt32 = 0
        if readable {
            events |= csystem_epollin() | csystem_epollrdhup()
        }
        if writable {
            events |= csystem_epollout()
        }
        _ = csystem_epoll_ctl(epollDescriptor, csystem_epoll_ctl_mod(), descriptor, events)
    }

    public func deregister(_ descriptor: Int32) {
        assertInLoop()
        handlers[descriptor] = nil
        _ = csystem_epoll_ctl(epollDescriptor, csystem_epoll_ctl_del(), descriptor, 0)
    }

    /// Runs `job` on the loop thread once `delay` has passed. Loop thread only.
    @discardableResult
    public func schedule(after delay: Duration, _ job: @escaping () -> Void) -> TimerHeap.Token {
        assertInLoop()
        return timers.add(at: ContinuousClock.now + delay, job)
    }

    public func cancelTimer(_ token: TimerHeap.Token) {
        assertInLoop()
        timers.cancel(token)
    }

    // MARK: The loop

    private func interest(writable: Bool) -> UInt32 {
        var events = csystem_epollin() | csystem_epollrdhup()
        if writable {
            events |= csystem_epollout()
        }
        return events
    }

    private func wake() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeDescriptor, $0.baseAddress, 8) }
    }

    private func run() {
        let capacity = 256
        var descriptors = [Int32](repeating: 0, count: capacity)
        var events = [UInt32](repeating: 0, count: capacity)
        let readable = csystem_epollin()
        let writable = csystem_epollout()
        let hangup = csystem_epollhup() | csystem_epollerr()

        var hadEvents = false
        while !stopping.load(ordering: .acquiring) {
            // Jobs queued from this thread do not wake the loop, so wait with timeout 0 while some are queued.
            let jobsWaiting = pending.withLock { !$0.jobs.isEmpty }
            let timeout = jobsWaiting ? 0 : timers.millisecondsUntilNext(now: .now)
            func wait(_ milliseconds: Int32) -> Int32 {
                descriptors.withUnsafeMutableBufferPointer { fds in
                    events.withUnsafeMutableBufferPointer { flags in
                        csystem_epoll_wait(
                            epollDescriptor, fds.baseAddress, flags.baseAddress, Int32(capacity), milliseconds)
                    }
                }
            }

            var count: Int32 = 0
            if hadEvents && timeout != 0 && busyPoll > .zero {
                count = poll(until: .now + busyPoll) { wait(0) }
            }
            if count == 0 {
                count = wait(timeout)
            }
            hadEvents = count > 0

            if count > 0 {
                for index in 0..<Int(count) {
                    let descriptor = descriptors[index]
                    let flags = events[index]
                    if descriptor == wakeDescriptor {
                        drainWakeups()
                        continue
                    }
                    if flags & readable != 0 {
                        handlers[descriptor]?.handleReadable()
                    }
                    if flags & writable != 0 {
                        handlers[descriptor]?.handleWritable()
                    }
                    if flags & hangup != 0 {
                        handlers[descriptor]?.handleHangup()
                    }
                }
            }

            runPendingJobs()
            for job in timers.popExpired(now: .now) {
                job()
            }
            flushWrites()
        }

        runPendingJobs()
        flushWrites()

        // Handlers and timers hold objects that hold the loop. Dropping them lets every one of them,
        // and then the loop with its two descriptors, be freed.
        handlers.removeAll()
        timers = TimerHeap()

        // The last jobs. From here on nothing runs on this thread, so `runAndWait` runs its body on
        // the caller's thread and `executeIfRunning` reports that the loop has ended.
        runPendingJobs(closing: true)
    }

    /// Asks for `handler.flushWrites()` at the end of this loop turn. Loop thread only.
    ///
    /// Connections queue what they send during a turn and write it with one syscall at its end, so
    /// replies to many requests read in one turn leave together.
    public func scheduleFlush(_ handler: any EventLoopFlushable) {
        flushQueue.append(handler)
    }

    private func flushWrites() {
        while !flushQueue.isEmpty {
            let queued = flushQueue
            flushQueue.removeAll(keepingCapacity: true)
            for handler in queued {
                handler.flushWrites()
            }
        }
    }

    /// Calls `check` until it reports events or `deadline` passes, yielding the CPU between calls so
    /// another thread runnable there, such as the peer about to reply, goes first.
    private func poll(until deadline: ContinuousClock.Instant, _ check: () -> Int32) -> Int32 {
        while true {
            let count = check()
            if count != 0 || ContinuousClock.now >= deadline || stopping.load(ordering: .relaxed) {
                return count
            }
            sched_yield()
        }
    }

    private func drainWakeups() {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { read(wakeDescriptor, $0.baseAddress, 8) }
    }

    /// Runs the jobs posted so far. With `closing`, also stops taking new ones, atomically with taking
    /// the last batch, so no job is left behind unrun.
    private func runPendingJobs(closing: Bool = false) {
        let jobs = pending.withLock { queue in
            let batch = queue.jobs
            queue.jobs.removeAll(keepingCapacity: !closing)
            queue.closed = closing
            return batch
        }
        for job in jobs {
            job()
        }
    }
}

/// Carries a closure and its result between a waiting thread and the loop thread.
///
/// `@unchecked Sendable`: `runAndWait` blocks the calling thread until the loop has run the closure,
/// so the members are never accessed from two threads at once.
private final class Handoff<T>: @unchecked Sendable {
    private var body: (() -> T)?
    var result: T?

    init(_ body: @escaping () -> T) {
        self.body = body
    }

    /// Runs the closure once and drops it, so no reference outlives `runAndWait`.
    func run() {
        result = body?()
        body = nil
    }
}
