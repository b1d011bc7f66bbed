/// One slot of an abstract operand stack. Stacks are persistent linked lists: a block's entry state is
/// shared by every path that reaches it, so memory stays proportional to the code, not to code × height.
final class StackNode {
    let type: TypeID
    private(set) var below: StackNode?
    let height: Int

    init(type: TypeID, below: StackNode?) {
        self.type = type
        self.below = below
        self.height = (below?.height ?? 0) + 1
    }

    /// Frees a chain iteratively: releasing a long stack must not recurse once per slot.
    deinit {
        guard var node = below else { return }
        below = nil
        while isKnownUniquelyReferenced(&node) {
            guard let next = node.below else { break }
            node.below = nil
            node = next
        }
    }
}

/// The types on the operand stack, top last.
struct TypeStack {
    private(set) var top: StackNode?

    var height: Int { top?.height ?? 0 }

    mutating func push(_ type: TypeID) { top = StackNode(type: type, below: top) }

    mutating func drop(_ count: Int) {
        for _ in 0..<max(0, count) { top = top?.below }
    }

    /// The type `depth` slots below the top (0 is the top), if the stack is that high.
    func type(atDepth depth: Int) -> TypeID? {
        var node = top
        for _ in 0..<max(0, depth) { node = node?.below }
        return node?.type
    }

    /// The `count` top types, deepest first (fewer when the stack is lower).
    func peek(_ count: Int) -> [TypeID] {
        var out: [TypeID] = []
        var node = top
        while out.count < count, let n = node {
            out.append(n.type)
            node = n.below
        }
        return out.reversed()
    }

    /// The first slot (from the top) whose type differs from `other`'s; both stacks must have one height.
    /// Stops early at a shared tail.
    func firstDifference(from other: TypeStack) -> (slot: Int, mine: TypeID, theirs: TypeID)? {
        var a = top
        var b = other.top
        while let x = a, let y = b, x !== y {
            if x.type != y.type { return (x.height - 1, x.type, y.type) }
            a = x.below
            b = y.below
        }
        return nil
    }
}

/// Which locals certainly hold a value: a bitset.
struct LocalSet: Equatable {
    private var words: [UInt64]

    init(count: Int) { words = [UInt64](repeating: 0, count: (max(0, count) + 63) / 64) }

    func contains(_ local: Int) -> Bool {
        let word = local / 64
        return local >= 0 && word < words.count && words[word] & (1 << UInt64(local % 64)) != 0
    }

    mutating func insert(_ local: Int) {
        let word = local / 64
        guard local >= 0, word < words.count else { return }
        words[word] |= 1 << UInt64(local % 64)
    }

    /// Keeps only locals also in `other`; returns whether anything was removed.
    mutating func formIntersection(_ other: LocalSet) -> Bool {
        var changed = false
        for i in words.indices where i < other.words.count {
            let next = words[i] & other.words[i]
            if next != words[i] {
                words[i] = next
                changed = true
            }
        }
        return changed
    }
}

/// The abstract state at a program point: operand types and initialised locals.
struct AbstractState {
    var stack: TypeStack
    var locals: LocalSet
}
