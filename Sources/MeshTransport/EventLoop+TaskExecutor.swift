extension EventLoop: TaskExecutor {
    /// Runs a task's jobs on the loop thread, so a handler started with this executor as its
    /// preference, its calls to other processes and its reply all stay on one thread without
    /// cross-thread wake-ups. Handlers must not block: blocking work belongs on the store's threads.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        enqueue {
            unownedJob.runSynchronously(on: executor)
        }
    }
}
