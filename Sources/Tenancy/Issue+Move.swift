extension Issue {
    /// Returns this issue moved to `status` of `workflow` at `atMs`, with the resolution rule applied.
    ///
    /// Entering the final status resolves the issue and leaving it clears the resolution (a reopening).
    /// An issue that already has a resolution time keeps it when it enters the final status: it is still
    /// the same resolution, for example when `companies.configure` moves it from the old final status
    /// to the new one.
    func moved(to status: String, in workflow: Workflow, atMs: Int64) -> Issue {
        var after = self
        after.status = status
        after.resolvedAtMs = workflow.isFinal(status) ? (resolvedAtMs ?? atMs) : nil
        after.updatedAtMs = atMs
        return after
    }
}
