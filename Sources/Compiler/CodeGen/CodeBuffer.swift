// The code of one function as it is emitted: bytes, labels and their fix-ups, the operand-stack
// height (for `maxStack`), reachability (for missing-return and unreachable-code diagnostics), source
// positions, and a one-instruction peephole window.
import Bytecode
import Diagnostics

/// A jump target in a `CodeBuffer`.
struct Label: Hashable {
    let id: Int
}

/// The bytes of a function's code as they are emitted: one allocation, written through a pointer (an
/// `Array.append` per byte checked uniqueness and capacity for each), kept from one function to the next.
final class CodeBytes {
    private(set) var base: UnsafeMutableRawPointer
    /// The bytes written.
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, Instruction.maxEncodedSize)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Appends one instruction (`Instruction.encode`).
    @inline(__always)
    func append(_ opcode: Opcode, _ layout: OpcodeLayout, _ count: Int, _ a: Int64, _ b: Int64) {
        if self.count + Instruction.maxEncodedSize > capacity { grow() }
        self.count += Instruction.encode(opcode, layout, count, a, b, to: base + self.count)
    }

    /// Doubles the room, keeping the bytes.
    private func grow() {
        let bigger = capacity * 2
        let moved = UnsafeMutableRawPointer.allocate(byteCount: bigger, alignment: 8)
        moved.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }

    /// Replaces the byte at `offset` (already written).
    func set(_ byte: UInt8, at offset: Int) {
        guard offset >= 0, offset < count else { return }
        base.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
    }

    /// Writes `value`'s four bytes, little-endian, at `offset`, those of them that fall on bytes written.
    func patch(_ value: UInt32, at offset: Int) {
        guard offset >= 0 else { return }
        if offset + 4 <= count {
            base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
            return
        }
        for i in 0..<4 where offset + i < count {
            let byte = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))
            base.storeBytes(of: byte, toByteOffset: offset + i, as: UInt8.self)
        }
    }

    /// A copy of the bytes written.
    var array: [UInt8] { [UInt8](UnsafeRawBufferPointer(start: base, count: count)) }

    /// Forgets the bytes, keeping the room.
    func removeAll() { count = 0 }
}

/// Emits the instructions of one function.
struct CodeBuffer {
    /// The code so far (shared by copies of the buffer: a buffer is used by one compiler at a time, never copied
    /// to be changed apart).
    private let bytes: CodeBytes
    /// The size of the code so far.
    var size: Int { bytes.count }
    private(set) var height = 0
    private(set) var maxHeight = 0
    /// False after a terminator until a label with a live incoming jump is placed.
    private(set) var reachable = true
    /// Per label: where it was placed, the stack height at it, and whether a live jump targets it.
    private var labels: [(offset: Int?, height: Int?, live: Bool)] = []
    private var fixups: [(at: Int, label: Int)] = []
    /// `(offset, line, column)` source positions, ascending by offset.
    private(set) var positions: [(offset: Int, line: Int, column: Int)] = []
    /// Offset of the last instruction emitted and the code size when the last label was placed.
    private var lastInstruction: (offset: Int, opcode: Opcode, immediate: Int64)?
    private var lastLabelAt = -1
    /// The file and start offset of the range `mark` was last given (the start -1 before any).
    private var lastMarkedStart = -1
    private var lastMarkedFile: SourceFileID?
    /// The source line of the last `mark` in `file`, where the next one usually is.
    private var cursor = LineCursor()
    /// True once any label was placed: code after it may run more than once.
    private(set) var anyLabelPlaced = false
    /// The file the function's ranges are in, at hand (a range holds only its file's id; looking a file up
    /// by id takes a lock).
    private(set) var file: SourceFile?
    /// `Opcode.layouts`, held here: reading the global costs a `swift_once` call per instruction.
    private let layouts: [OpcodeLayout]

    /// An empty buffer, with room for a typical function (growing each table from empty cost several
    /// allocations and copies per function).
    init(file: SourceFile? = nil) {
        self.file = file
        layouts = Opcode.layouts
        bytes = CodeBytes()
        labels.reserveCapacity(16)
        fixups.reserveCapacity(16)
        positions.reserveCapacity(32)
    }

    /// Empties the buffer for the next function's code, in `file`, keeping its tables' storage: every other
    /// property as `init` leaves it.
    mutating func reset(file: SourceFile?) {
        bytes.removeAll()
        labels.removeAll(keepingCapacity: true)
        fixups.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        height = 0
        maxHeight = 0
        reachable = true
        lastInstruction = nil
        lastLabelAt = -1
        lastMarkedStart = -1
        lastMarkedFile = nil
        anyLabelPlaced = false
        // The cursor is kept for the same file: the next function is most often a few lines on, where the cursor
        // finds its line without a search over the file's whole line table.
        if file?.id != self.file?.id { cursor = LineCursor() }
        self.file = file
    }

    // MARK: - Labels

    mutating func newLabel() -> Label {
        labels.append((nil, nil, false))
        return Label(id: labels.count - 1)
    }

    /// Places `label` here. Code after it is reachable when a live jump targets it, when code before it
    /// falls through, or when `live` says a later (backward) jump will target it.
    mutating func place(_ label: Label, live: Bool = false) {
        labels[label.id].offset = bytes.count
        lastLabelAt = bytes.count
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
            last.offset + 3 == bytes.count, lastLabelAt != bytes.count, reachable
        {
            bytes.set(Opcode.localTee.rawValue, at: last.offset)
            lastInstruction = (last.offset, .localTee, last.immediate)
            adjust(pops: 0, pushes: 1)
            return
        }
        let offset = bytes.count
        bytes.append(opcode, layout, count, a, b)
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
        fixups.append((bytes.count + 1, label.id))
        bytes.append(opcode, layouts[Int(opcode.rawValue)], 1, 0, 0)
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
        // The start marked last (an operator's range is marked for each operand): its position is the last entry's
        // already.
        if range.start == lastMarkedStart, let file = lastMarkedFile, file == range.fileID { return }
        lastMarkedStart = range.start
        lastMarkedFile = range.fileID
        let position: LineColumn
        if let file, file.id == range.fileID {
            position = cursor.lineColumn(of: range.start, in: file)
        } else {
            position = range.file.lineColumn(of: range.start)
        }
        if let last = positions.last {
            if last.line == position.line && last.column == position.column { return }
            if last.offset == bytes.count { positions.removeLast() }
        }
        positions.append((bytes.count, position.line, position.column))
    }

    private mutating func adjust(pops: Int, pushes: Int) {
        height = max(0, height - pops) + pushes
        maxHeight = max(maxHeight, height)
    }

    /// The code with every jump resolved. Unplaced labels resolve to 0 (only after errors).
    mutating func finished() -> [UInt8] {
        for fix in fixups { bytes.patch(UInt32(truncatingIfNeeded: labels[fix.label].offset ?? 0), at: fix.at) }
        return bytes.array
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
