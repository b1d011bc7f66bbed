extension Array {
    /// Drops the elements from `count` on, keeping the storage: one `removeLast` per element, which for the few
    /// elements of a scope, a function's tables or a parser's pending list is several times cheaper than
    /// `removeAll(keepingCapacity:)`, `removeSubrange` or `removeLast(_:)`, which go through the general
    /// `replaceSubrange` (about 400 instructions for a call that drops three names).
    @inline(__always)
    mutating func truncate(to count: Int) {
        while self.count > Swift.max(count, 0) { removeLast() }
    }
}
