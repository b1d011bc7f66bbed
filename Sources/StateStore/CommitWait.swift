/// Work that can use the committing thread's core while a commit waits: for the disk to make the log durable (its
/// fsync) or for the previous commit's background checkpoint. The thread is blocked then, and its core idles.
///
/// `SQLiteStore.apply(_:whileWaiting:)` calls `commitWaitBegins()` on the committing thread just before such a wait
/// and `commitWaitEnds()` as soon as it is over (also when the wait fails). The work runs on a thread of its own
/// and must stop promptly once the wait ends (a chain verifies the next block's signatures, one at a time). What
/// it does must not depend on when or whether it ran: a store calls it only when it really waits.
public protocol CommitWaitWork: AnyObject {
    /// The committing thread is about to block.
    func commitWaitBegins()
    /// The committing thread runs again.
    func commitWaitEnds()
}
