/// The abstract operand stack of `TypeSafetyPass`: the types on the stack of the block being checked, in a
/// flat array, and the stacks saved at block entries, in one shared store.
///
/// Saved stacks are persistent lists in a flat array (`SavedSlot`: a type on top of a parent slot, -1 being
/// the empty stack), so a saved stack is one `Int32` and stacks saved at several blocks share the slots
/// they have in common: saving copies only the slots pushed since the block started (or since the last
/// save), never the whole height. Starting a block costs nothing either: its slots are read from the saved
/// list as instructions reach down to them (`expose`). So a function with a deep stack and thousands of
/// branch targets keeps one copy of the deep part, and nothing is allocated per push. What is saved is
/// bounded (`save(limit:)`): the pass rejects a function whose saved slots would exceed its limit.
struct TypeStack {
    /// One saved slot: its type and the saved slot below it (-1: none, the stack's bottom).
    struct SavedSlot {
        var type: Int32
        var parent: Int32
    }

    /// Types of slots `floor..<height`, indexed by slot (slots below `floor` are still in `saved`).
    private var slots: [TypeID]
    /// For slots `floor..<height`: the saved slot holding the stack up to and including it, or -1 for a slot
    /// pushed since it was last saved. The saved ones are always the lower part of that range.
    private var nodes: [Int32]
    /// How many values are on the stack.
    private(set) var height = 0
    /// Slots below this are not copied into `slots` yet.
    private var floor = 0
    /// The saved slot of slot `floor - 1` (-1 when `floor` is 0).
    private var base: Int32 = -1
    /// Every saved slot of this function.
    private var saved: [SavedSlot] = []

    /// A stack for a function whose stack never exceeds `capacity` (more still works, by growing).
    init(capacity: Int) {
        slots = [TypeID](repeating: 0, count: max(0, capacity))
        nodes = [Int32](repeating: -1, count: max(0, capacity))
    }

    /// How many slots are saved.
    var savedCount: Int { saved.count }

    /// Empties the stack and forgets every saved slot, for a function whose stack never exceeds `capacity`.
    mutating func reset(capacity: Int) {
        height = 0
        floor = 0
        base = -1
        if !saved.isEmpty { saved.removeAll(keepingCapacity: true) }
        if slots.count < capacity {
            slots.append(contentsOf: repeatElement(0, count: capacity - slots.count))
            nodes.append(contentsOf: repeatElement(-1, count: capacity - nodes.count))
        }
    }

    /// Makes the stack the saved stack `top` of `height` values. Costs nothing until slots are read.
    mutating func load(top: Int32, height: Int) {
        self.height = height
        floor = height
        base = top
    }

    mutating func push(_ type: TypeID) {
        if height < slots.count {
            slots[height] = type
            nodes[height] = -1
        } else {
            slots.append(type)
            nodes.append(-1)
        }
        height += 1
    }

    /// Copies the top `count` slots (at most the height) from the saved stack when they are not in `slots`.
    mutating func expose(_ count: Int) {
        let lowest = max(0, height - max(0, count))
        guard floor > lowest else { return }
        while floor > lowest, base >= 0 {
            floor -= 1
            let slot = saved[Int(base)]
            slots[floor] = TypeID(slot.type)
            nodes[floor] = base
            base = slot.parent
        }
    }

    /// Removes the top `count` values (at most the height).
    mutating func drop(_ count: Int) {
        expose(count)
        height = max(floor, height - max(0, count))
    }

    /// The type `depth` slots below the top (0 is the top), if the stack is that high.
    func type(atDepth depth: Int) -> TypeID? {
        let slot = height - 1 - depth
        guard depth >= 0, slot >= 0 else { return nil }
        if slot >= floor { return slots[slot] }
        var node = base
        var at = floor - 1
        while at > slot, node >= 0 {
            node = saved[Int(node)].parent
            at -= 1
        }
        return node >= 0 ? TypeID(saved[Int(node)].type) : nil
    }

    /// The `count` top types, deepest first (fewer when the stack is lower). For messages.
    func peek(_ count: Int) -> [TypeID] {
        var out: [TypeID] = []
        var depth = min(count, height) - 1
        while depth >= 0, let type = type(atDepth: depth) {
            out.append(type)
            depth -= 1
        }
        return out
    }

    /// Saves the stack and returns its top saved slot (-1 for the empty stack), or nil when that would take
    /// the saved slots past `limit`. Only the slots pushed since the last save are added.
    mutating func save(limit: Int) -> Int32? {
        var unsaved = height
        while unsaved > floor, nodes[unsaved - 1] < 0 { unsaved -= 1 }
        guard height - unsaved <= limit - saved.count else { return nil }
        var parent = unsaved > floor ? nodes[unsaved - 1] : base
        for slot in unsaved..<height {
            saved.append(SavedSlot(type: Int32(truncatingIfNeeded: slots[slot]), parent: parent))
            parent = Int32(saved.count - 1)
            nodes[slot] = parent
        }
        return parent
    }

    /// The topmost slot whose type differs from the saved stack `top`, which must have this stack's height.
    /// Stops at the first slot both share.
    func firstDifference(fromSaved top: Int32) -> (slot: Int, mine: TypeID, theirs: TypeID)? {
        var theirs = top
        var slot = height - 1
        while slot >= floor, theirs >= 0 {
            if nodes[slot] == theirs { return nil }
            let other = saved[Int(theirs)]
            if slots[slot] != TypeID(other.type) { return (slot, slots[slot], TypeID(other.type)) }
            theirs = other.parent
            slot -= 1
        }
        var mine = base
        while slot >= 0, mine >= 0, theirs >= 0, mine != theirs {
            let a = saved[Int(mine)], b = saved[Int(theirs)]
            if a.type != b.type { return (slot, TypeID(a.type), TypeID(b.type)) }
            mine = a.parent
            theirs = b.parent
            slot -= 1
        }
        return nil
    }
}

/// Which locals certainly hold a value: a bitset for the block being checked, and the sets saved at block
/// entries side by side in one array (a saved set is its index).
struct LocalSets {
    /// 64-bit words per set.
    private var words: Int
    private var current: [UInt64]
    private var saved: [UInt64] = []

    /// Sets of `count` locals; the current one is empty.
    init(count: Int) {
        words = (max(0, count) + 63) / 64
        current = [UInt64](repeating: 0, count: words)
    }

    /// Empty sets of `count` locals, forgetting the saved ones.
    mutating func reset(count: Int) {
        words = (max(0, count) + 63) / 64
        if !saved.isEmpty { saved.removeAll(keepingCapacity: true) }
        current.refill(words, with: 0)
    }

    func contains(_ local: Int) -> Bool {
        let word = local / 64
        return local >= 0 && word < words && current[word] & (1 << UInt64(local % 64)) != 0
    }

    mutating func insert(_ local: Int) {
        let word = local / 64
        guard local >= 0, word < words else { return }
        current[word] |= 1 << UInt64(local % 64)
    }

    /// Saves the current set; returns its index.
    mutating func save() -> Int {
        saved.append(contentsOf: current)
        return words == 0 ? 0 : saved.count / words - 1
    }

    /// Makes the current set a copy of saved set `set`.
    mutating func load(_ set: Int) {
        for i in 0..<words { current[i] = saved[set * words + i] }
    }

    /// Keeps in saved set `set` only the locals also in the current one; returns whether any was removed.
    mutating func intersect(saved set: Int) -> Bool {
        var changed = false
        for i in 0..<words {
            let old = saved[set * words + i]
            let next = old & current[i]
            if next != old {
                saved[set * words + i] = next
                changed = true
            }
        }
        return changed
    }
}
