extension MemoryStore {
    /// An in-memory copy of `store`: every state entry, every archive record, its height and (recomputed from the
    /// same entries) its state root. The REPL works on such a copy of a chain it must not write.
    public convenience init(copying store: any KeyValueStore) throws {
        self.init()
        var state: [Write] = []
        var after: [UInt8]?
        while true {
            let page = try store.entries(prefix: [], after: after, limit: 4096)
            state += page.map { Write(key: $0.key, value: $0.value) }
            guard let last = page.last, page.count == 4096 else { break }
            after = last.key
        }
        var archive: [Write] = []
        after = nil
        while true {
            let page = try store.archivedEntries(prefix: [], after: after, limit: 4096)
            archive += page.map { Write(key: $0.key, value: $0.value) }
            guard let last = page.last, page.count == 4096 else { break }
            after = last.key
        }
        try commit(state, height: store.height) { _ in archive }
        guard stateRoot == store.stateRoot else { throw StateStoreError.corruptMetadata("the copy's state root differs from the original's") }
    }
}
