// The code of one function as it is emitted: bytes, labels and their fix-ups, the operand-stack
// height (for `maxStack`), reachability (for missing-return and unreachable-code diagnostics), source
// positions, and a one-instruction peephole window.
import Bytecode
import Diagnostics

/// A jump target in a `CodeBuffer`.
struct Label: Hashable {
    let id: Int
}

/// Emits the instructions of one function.
struct CodeBuffer {
    private(set) var code: [UInt8]
    private(set) var height = 0
    private(set) var maxHeight = 0
    /// False after a terminator until a label with a live incoming jump is placed.
    private(set) var reachable = true
    /// Per label: where it was placed, the stack height at it, and whether a live jump targets it.
    private var labels: [(offset: Int?, height: Int?, live: Bool)]
    private var fixups: [(at: Int, label: Int)]
    /// `(offset, line, column)` source positions, ascending by offset.
    private(set) var positions: [(offset: Int, line: Int, column: Int)]
    /// Offset of the last instruction emitted and the code size when the last label was placed.
    private var lastInstruction: (offset: Int, opcode: Opcode, immediate: Int64)?
    private var lastLabelAt = -1
    /// The source line of the last `mark` in `file`, where the next one usually is.
    private var cursor = LineCursor()
    /// True once any label was placed: code after it may run more than once.
    private(set) var anyLabelPlaced = false
    /// The file the function's ranges are in, at hand (a range holds only its file's id; looking a file up
    /// by id takes a lock).
    let file: SourceFile?
    /// `Opcode.layouts`, held here: reading the global costs a `swift_once` call per instruction.
    private let layouts: [OpcodeLayout]

    /// The storage of a buffer's tables, emptied, for the next function's buffer to fill again.
    struct Storage {
        fileprivate var code: [UInt8] = []
        fileprivate var labels: [(offset: Int?, height: Int?, live: Bool)] = []
        fileprivate var fixups: [(at: Int, label: Int)] = []
        fileprivate var positions: [(offset: Int, line: Int, column: Int)] = []
    }

    /// An empty buffer, with room for a typical function (growing each table from empty cost several
    /// allocations and copies per function), in `storage` when given (`recycled()` of the previous function's).
    init(file: SourceFile? = nil, reusing storage: consuming Storage = Storage()) {
        self.file = file
        layouts = Opcode.layouts
        // Moved out of `storage` (emptied there) before reserving: a buffer still referenced from `storage`
        // is not unique, and reserving capacity in it would allocate a new one.
        code = storage.code.takeAll()
        labels = storage.labels.takeAll()
        fixups = storage.fixups.takeAll()
        positions = storage.positions.takeAll()
        code.reserveCapacity(128)
        labels.reserveCapacity(16)
        fixups.reserveCapacity(16)
        positions.reserveCapacity(32)
    }

    /// Empties the buffer and hands over its tables with their capacity (the buffer is left without storage).
    mutating func recycled() -> Storage {
        var storage = Storage()
        swap(&storage.code, &code)
        swap(&storage.labels, &labels)
        swap(&storage.fixups, &fixups)
        swap(&storage.positions, &positions)
        storage.code.removeAll(keepingCapacity: true)
        storage.labels.removeAll(keepingCapacity: true)
        storage.fixups.removeAll(keepingCapacity: true)
        storage.positions.removeAll(keepingCapacity: true)
        return storage
    }

    // MARK: - Labels

    mutating func newLabel() -> Label {
        labels.append((nil, nil, false))
        return Label(id: labels.count - 1)
    }

    /// Places `label` here. Code after it is reachable when a live jump targets it, when code before it
    /// falls through, or when `live` says a later (backward) jump will target it.
    mutating func place(_ label: Label, live: Bool = false) {
        labels[label.id].offset = code.count
        lastLabelAt = code.count
        anyLabelPlaced = true
        if !reachable, let h = labels[label.id].height { height = h }
        reachable = reachable || labels[label.id].live || live
        if live { labels[label.id].height = height }
    }

    // MARK: - Instructions

    /// Emits `opcode` with no immediates; the stack effect comes from the opcode table unless given.
    mutating func emit(_ opcode: Opcode, effect: (pops: Int, pushes: Int)? = nil) {
        emit(opcode, 0, 0, 0, effect: effect)
    }

    /// Emits `opcode` with one immediate.
    mutating func emit(_ opcode: Opcode, _ a: Int64, effect: (pops: Int, pushes: Int)? = nil) {
        emit(opcode, 1, a, 0, effect: effect)
    }

    /// Emits `opcode` with two immediates.
    mutating func emit(_ opcode: Opcode, _ a: Int64, _ b: Int64, effect: (pops: Int, pushes: Int)? = nil) {
        emit(opcode, 2, a, b, effect: effect)
    }

    /// The one emitter: `count` immediates `a`, `b` (fixed overloads rather than a variadic list, which
    /// allocated an array per instruction).
    private mutating func emit(
        _ opcode: Opcode, _ count: Int, _ a: Int64, _ b: Int64, effect: (pops: Int, pushes: Int)?
    ) {
        let layout = layouts[Int(opcode.rawValue)]
        let counts: (pops: Int, pushes: Int)
        if let effect {
            counts = effect
        } else if let fixed = layout.fixedEffect {
            counts = fixed
        } else {
            counts = CodeBuffer.specialCounts(opcode)
        }
        // Peephole: `local_set x; local_get x` is `local_tee x`.
        if opcode == .localGet, let last = lastInstruction, last.opcode == .localSet, last.immediate == a,
            last.offset + 3 == code.count, lastLabelAt != code.count, reachable
        {
            code[last.offset] = Opcode.localTee.rawValue
            lastInstruction = (last.offset, .localTee, last.immediate)
            adjust(pops: 0, pushes: 1)
            return
        }
        let offset = code.count
        Instruction.encode(opcode, layout, count, a, b, into: &code)
        lastInstruction = (offset, opcode, count > 0 ? a : 0)
        adjust(pops: counts.pops, pushes: counts.pushes)
        if layout.isTerminator { reachable = false }
    }

    /// Emits a jump (`jump`, `jump_if` or `jump_unless`) to `label`.
    mutating func jump(_ opcode: Opcode, to label: Label) {
        let wasReachable = reachable
        if opcode != .jump { adjust(pops: 1, pushes: 0) }
        if wasReachable {
            labels[label.id].live = true
            if labels[label.id].height == nil { labels[label.id].height = height }
        }
        fixups.append((code.count + 1, label.id))
        Instruction.encode(opcode, 1, 0, 0, into: &code)
        lastInstruction = nil
        if opcode == .jump { reachable = false }
    }

    /// Pushes a constant Int, as `push_int` when it fits in 64 bits.
    mutating func pushInt(_ value: Int128, constant: (Constant) -> Int) {
        if let small = Int64(exactly: value) {
            emit(.pushInt, small)
        } else {
            emit(.pushConst, Int64(constant(.int(value))), effect: (0, 1))
        }
    }

    /// Records that the next instruction comes from `range`.
    mutating func mark(_ range: SourceRange) {
        let position: LineColumn
        if let file, file.id == range.fileID {
            position = cursor.lineColumn(of: range.start, in: file)
        } else {
            position = range.file.lineColumn(of: range.start)
        }
        if let last = positions.last {
            if last.line == position.line && last.column == position.column { return }
            if last.offset == code.count { positions.removeLast() }
        }
        positions.append((code.count, position.line, position.column))
    }

    private mutating func adjust(pops: Int, pushes: Int) {
        height = max(0, height - pops) + pushes
        maxHeight = max(maxHeight, height)
    }

    /// The code with every jump resolved. Unplaced labels resolve to 0 (only after errors).
    func finished() -> [UInt8] {
        var out = code
        for fix in fixups {
            let target = UInt32(truncatingIfNeeded: labels[fix.label].offset ?? 0)
            for i in 0..<4 where fix.at + i < out.count {
                out[fix.at + i] = UInt8(truncatingIfNeeded: target >> (8 * i))
            }
        }
        return out
    }

    private static func specialCounts(_ opcode: Opcode) -> (pops: Int, pushes: Int) {
        switch opcode {
        case .pushConst, .localGet, .listNew, .mapNew, .sload, .slistLen, .slistPop: (0, 1)
        case .pop, .localSet, .sstore, .smapRemove, .slistPush: (1, 0)
        case .dup: (1, 2)
        case .swap: (2, 2)
        case .eqBlob, .neBlob, .concat, .listGet, .split, .mapGet, .mapHas, .mapKeyAt, .mapValueAt: (2, 1)
        case .listSet, .mapSet: (3, 0)
        case .listPush, .mapRemove, .structSet, .smapSet, .slistSet: (2, 0)
        case .smapFirst: (0, 2)
        case .smapNext: (1, 2)
        default: (1, 1)
        }
    }
}

extension Array {
    /// This array's elements, moved out, leaving it empty: the result holds the only reference to the buffer, so
    /// reserving capacity in it keeps that buffer where a copy would reallocate it.
    mutating func takeAll() -> [Element] {
        var taken: [Element] = []
        swap(&taken, &self)
        return taken
    }
}
