// The storage of a parsed file's expressions and statements: flat arrays of plain nodes, addressed by index.
//
// An `Expr` or `Stmt` is an index, not a node: its node is `tree[e]`. Children are indices too, so building a
// node is an append to an array (no heap box per node), reading one copies a few words (no reference count:
// a box per node cost an atomic increment and decrement at each copy, and the tree's boxes were freed one by one
// at the end of every compile), and a tree is freed with a handful of arrays. Declarations, types and
// identifiers, a few per function, stay ordinary values.
//
// A tree is made of segments, one per run of declarations parsed on its own thread (`Parser+Threads.swift`):
// the top bits of an index name its segment, so runs parsed at once need no renumbering when they are joined.
import Diagnostics

/// An expression: the index of its node in its file's `SyntaxTree` (`tree[e]`).
public struct Expr: Hashable, Sendable {
    /// The segment (top bits) and the position in it.
    @usableFromInline let raw: UInt32
    @inlinable init(raw: UInt32) { self.raw = raw }

    /// Where the node is stored: a parser stores each node as it completes it, so an expression's operands come
    /// before it (post order); a file parsed in runs numbers each run's nodes above the previous run's.
    public var order: Int { Int(raw) }
}

/// A statement: the index of its node in its file's `SyntaxTree` (`tree[s]`).
public struct Stmt: Hashable, Sendable {
    @usableFromInline let raw: UInt32
    @inlinable init(raw: UInt32) { self.raw = raw }
}

/// Something else the tree keeps beside its nodes, by index: `tree[ref]` (or `tree.text`, `tree.bytes`). The
/// type parameter only says what: `Ref<Binding>` and `Ref<ForLoop>` cannot be mixed up.
public struct Ref<Target>: Hashable, Sendable {
    @usableFromInline let raw: UInt32
    @inlinable init(raw: UInt32) { self.raw = raw }
}

/// A `let` or `var` statement's parts, kept beside the statements: most statements are smaller.
public typealias BindingRef = Ref<Binding>
/// A `for` statement's parts, kept beside the statements.
public typealias ForLoopRef = Ref<ForLoop>
/// A struct literal's parts, kept beside the expressions.
public typealias StructLiteralRef = Ref<StructLiteral>
/// Text kept by the tree: a name as written, a number literal's digits, a string literal's value (`tree.text`).
/// The names and digits are the lexer's table of them, each decoded once per file.
public typealias TextRef = Ref<String>
/// Bytes kept by the tree: an address or hash literal's value (`tree.bytes`).
public typealias BytesRef = Ref<[UInt8]>

/// A name in an expression or statement (a member's, an event's) with where it was written: `tree.identifier`.
public struct Name: Hashable, Sendable {
    /// The name's text.
    public let text: TextRef
    /// Where it was written.
    public let range: SourceRange
}

/// `Name { field: value, ... }`.
public struct StructLiteral: Hashable, Sendable {
    /// The struct's name.
    public let type: Identifier
    /// The fields, as written.
    public let fields: [FieldInitializer]
}

/// A run of items in order, kept in one of the tree's arrays: `tree[run]`.
public struct Run<Element>: Hashable, Sendable {
    @usableFromInline let start: UInt32
    /// How many.
    public let count: Int32
    @inlinable init(start: UInt32, count: Int32) {
        self.start = start
        self.count = count
    }

    /// No items.
    public static var empty: Run { Run(start: 0, count: 0) }
    /// True when there are none.
    @inlinable public var isEmpty: Bool { count == 0 }
}

/// Expressions in order (call arguments, list elements).
public typealias ExprList = Run<Expr>
/// Statements in order (a block's).
public typealias StmtList = Run<Stmt>
/// The `if` and `else if` clauses of a conditional, in order.
public typealias ClauseList = Run<Conditional.Clause>

/// An expression's node: plain data (no reference to count), so reading and storing one is a copy of its bytes.
public struct ExprNode: Sendable {
    /// The whole expression (a parenthesised one's includes the parentheses).
    public internal(set) var range: SourceRange
    /// What it is.
    public let kind: ExprKind
}

/// A statement's node: plain data, like `ExprNode`.
public struct StmtNode: Sendable {
    /// The whole statement.
    public let range: SourceRange
    /// What it is.
    public let kind: StmtKind
}

/// Nodes read in order from one of a tree's arrays: a list of children. Indices count from 0.
public struct NodeList<Element>: RandomAccessCollection {
    @usableFromInline let slice: ArraySlice<Element>
    @inlinable init(_ slice: ArraySlice<Element>) { self.slice = slice }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { slice.count }
    @inlinable public subscript(position: Int) -> Element { slice[slice.startIndex + position] }
}

/// One segment's arrays: the nodes one parser made.
@usableFromInline
struct SyntaxSegment: Sendable {
    @usableFromInline var exprs: [ExprNode] = []
    @usableFromInline var stmts: [StmtNode] = []
    @usableFromInline var bindings: [Binding] = []
    @usableFromInline var loops: [ForLoop] = []
    @usableFromInline var exprLists: [Expr] = []
    @usableFromInline var stmtLists: [Stmt] = []
    @usableFromInline var clauses: [Conditional.Clause] = []
    @usableFromInline var texts: [String] = []
    @usableFromInline var bytes: [[UInt8]] = []
    @usableFromInline var structLiterals: [StructLiteral] = []
}

/// A parsed file's expressions and statements. Immutable once parsed; shared freely between threads.
public final class SyntaxTree: Sendable {
    /// Bits of an index that number a node within its segment; the bits above name the segment.
    @usableFromInline static let segmentShift: UInt32 = 26
    /// The most nodes of one kind a segment holds (2^26): a parser reports a file that needs more.
    static let segmentCapacity = 1 << 26
    /// The most segments (runs parsed at once).
    static let maxSegments = 1 << (32 - 26)
    @usableFromInline static let offsetMask: UInt32 = (1 << 26) - 1

    @usableFromInline let segments: [SyntaxSegment]

    init(segments: [SyntaxSegment]) { self.segments = segments.isEmpty ? [SyntaxSegment()] : segments }

    /// An empty tree (of a file with no bodies).
    public convenience init() { self.init(segments: []) }

    @inlinable static func segment(_ raw: UInt32) -> Int { Int(raw >> segmentShift) }
    @inlinable static func offset(_ raw: UInt32) -> Int { Int(raw & offsetMask) }

    /// An expression's node.
    @inlinable public subscript(e: Expr) -> ExprNode {
        // Yielded in place, not returned: reading `tree[e].range` or matching `tree[e].kind` copies only what it
        // reads, not the whole node.
        _read { yield segments[SyntaxTree.segment(e.raw)].exprs[SyntaxTree.offset(e.raw)] }
    }

    /// A statement's node.
    @inlinable public subscript(s: Stmt) -> StmtNode {
        _read { yield segments[SyntaxTree.segment(s.raw)].stmts[SyntaxTree.offset(s.raw)] }
    }

    /// A `let` or `var` statement's parts.
    @inlinable public subscript(b: BindingRef) -> Binding {
        _read { yield segments[SyntaxTree.segment(b.raw)].bindings[SyntaxTree.offset(b.raw)] }
    }

    /// A `for` statement's parts.
    @inlinable public subscript(l: ForLoopRef) -> ForLoop {
        _read { yield segments[SyntaxTree.segment(l.raw)].loops[SyntaxTree.offset(l.raw)] }
    }

    /// The expressions of a list.
    @inlinable public subscript(list: ExprList) -> NodeList<Expr> {
        let offset = SyntaxTree.offset(list.start)
        return NodeList(segments[SyntaxTree.segment(list.start)].exprLists[offset..<offset + Int(list.count)])
    }

    /// The statements of a list.
    @inlinable public subscript(list: StmtList) -> NodeList<Stmt> {
        let offset = SyntaxTree.offset(list.start)
        return NodeList(segments[SyntaxTree.segment(list.start)].stmtLists[offset..<offset + Int(list.count)])
    }

    /// The clauses of a conditional.
    @inlinable public subscript(list: ClauseList) -> NodeList<Conditional.Clause> {
        let offset = SyntaxTree.offset(list.start)
        return NodeList(segments[SyntaxTree.segment(list.start)].clauses[offset..<offset + Int(list.count)])
    }

    /// A name's, number's or string literal's text.
    @inlinable public func text(_ ref: TextRef) -> String {
        segments[SyntaxTree.segment(ref.raw)].texts[SyntaxTree.offset(ref.raw)]
    }

    /// The text of `e` when it is a name (`x`, `block`), nil otherwise.
    @inlinable public func name(_ e: Expr) -> String? {
        guard case .name(let ref) = self[e].kind else { return nil }
        return text(ref)
    }

    /// A name with its text.
    @inlinable public func identifier(_ name: Name) -> Identifier {
        Identifier(name: text(name.text), range: name.range)
    }

    /// An address or hash literal's bytes.
    @inlinable public func bytes(_ ref: BytesRef) -> [UInt8] {
        segments[SyntaxTree.segment(ref.raw)].bytes[SyntaxTree.offset(ref.raw)]
    }

    /// A struct literal's parts.
    @inlinable public subscript(ref: StructLiteralRef) -> StructLiteral {
        _read { yield segments[SyntaxTree.segment(ref.raw)].structLiterals[SyntaxTree.offset(ref.raw)] }
    }
}

/// Builds one segment: the parser's side of a `SyntaxTree`.
struct SyntaxBuilder {
    private(set) var segment = SyntaxSegment()
    /// This segment's number, in the top bits of every index it hands out.
    private let tag: UInt32
    /// Set once an array reached `SyntaxTree.segmentCapacity`; the parser reports it, and nodes made after it
    /// alias the last one (the file is refused anyway).
    private(set) var overflowed = false
    /// Lists being built, innermost last: a list's items collect here and move to their array once, in order.
    private var pendingExprs: [Expr] = []
    private var pendingStmts: [Stmt] = []
    private var pendingClauses: [Conditional.Clause] = []

    init(segment number: Int) {
        tag = UInt32(truncatingIfNeeded: number) << SyntaxTree.segmentShift
        pendingExprs.reserveCapacity(64)
        pendingStmts.reserveCapacity(64)
    }

    /// Room for about `count` expressions and statements (from the token count), made once.
    mutating func reserve(tokens count: Int) {
        segment.exprs.reserveCapacity(count / 2 + 16)
        segment.stmts.reserveCapacity(count / 6 + 16)
        segment.stmtLists.reserveCapacity(count / 6 + 16)
        segment.exprLists.reserveCapacity(count / 16 + 16)
        segment.bindings.reserveCapacity(count / 32 + 4)
        segment.loops.reserveCapacity(count / 64 + 4)
        segment.clauses.reserveCapacity(count / 64 + 4)
    }

    /// The index the next item of an array holding `count` items gets; past the capacity, sets `overflowed`.
    private static func index(_ count: Int, tag: UInt32, overflowed: inout Bool) -> UInt32 {
        if count >= SyntaxTree.segmentCapacity {
            overflowed = true
            return tag | UInt32(SyntaxTree.segmentCapacity - 1)
        }
        return tag | UInt32(count)
    }

    /// Appends `item` to `array` (one of the segment's) and returns its index; after an overflow appends nothing.
    private static func append<Element>(
        _ item: Element, to array: inout [Element], tag: UInt32, overflowed: inout Bool
    ) -> UInt32 {
        let raw = index(array.count, tag: tag, overflowed: &overflowed)
        if !overflowed { array.append(item) }
        return raw
    }

    mutating func add(_ range: SourceRange, _ kind: ExprKind) -> Expr {
        Expr(raw: SyntaxBuilder.append(
            ExprNode(range: range, kind: kind), to: &segment.exprs, tag: tag, overflowed: &overflowed))
    }

    mutating func add(_ range: SourceRange, _ kind: StmtKind) -> Stmt {
        Stmt(raw: SyntaxBuilder.append(
            StmtNode(range: range, kind: kind), to: &segment.stmts, tag: tag, overflowed: &overflowed))
    }

    mutating func add(_ binding: Binding) -> BindingRef {
        BindingRef(raw: SyntaxBuilder.append(binding, to: &segment.bindings, tag: tag, overflowed: &overflowed))
    }

    /// The lexer's names and digits, whose `Token.name` indices become `TextRef`s as they are (`text(name:)`).
    mutating func useNames(_ names: [String]) { segment.texts = names }

    /// The text of the lexer's name or number `index`.
    @inline(__always) func text(name index: UInt32) -> TextRef { TextRef(raw: tag | index) }

    /// `string`, kept in the tree.
    mutating func text(_ string: String) -> TextRef {
        TextRef(raw: SyntaxBuilder.append(string, to: &segment.texts, tag: tag, overflowed: &overflowed))
    }

    /// `bytes`, kept in the tree.
    mutating func bytes(_ bytes: [UInt8]) -> BytesRef {
        BytesRef(raw: SyntaxBuilder.append(bytes, to: &segment.bytes, tag: tag, overflowed: &overflowed))
    }

    mutating func add(_ literal: StructLiteral) -> StructLiteralRef {
        StructLiteralRef(
            raw: SyntaxBuilder.append(literal, to: &segment.structLiterals, tag: tag, overflowed: &overflowed))
    }

    mutating func add(_ loop: ForLoop) -> ForLoopRef {
        ForLoopRef(raw: SyntaxBuilder.append(loop, to: &segment.loops, tag: tag, overflowed: &overflowed))
    }

    /// `e`'s node, widened to `range` (a parenthesised expression: the parentheses belong to it).
    mutating func widen(_ e: Expr, to range: SourceRange) {
        guard !overflowed, e.raw & ~SyntaxTree.offsetMask == tag else { return }
        segment.exprs[SyntaxTree.offset(e.raw)].range = range
    }

    /// The node of `e`, made by this builder; nil after an overflow.
    func node(_ e: Expr) -> ExprNode? {
        let offset = SyntaxTree.offset(e.raw)
        guard e.raw & ~SyntaxTree.offsetMask == tag, offset < segment.exprs.count else { return nil }
        return segment.exprs[offset]
    }

    // MARK: Lists

    /// Where a new list of expressions starts; its items are `push`ed, then `finishExprs(from:)` closes it.
    var exprMark: Int { pendingExprs.count }
    mutating func push(_ e: Expr) { pendingExprs.append(e) }
    mutating func finishExprs(from mark: Int) -> ExprList {
        SyntaxBuilder.finish(&pendingExprs, from: mark, to: &segment.exprLists, tag: tag, overflowed: &overflowed)
    }

    var stmtMark: Int { pendingStmts.count }
    mutating func push(_ s: Stmt) { pendingStmts.append(s) }
    mutating func finishStmts(from mark: Int) -> StmtList {
        SyntaxBuilder.finish(&pendingStmts, from: mark, to: &segment.stmtLists, tag: tag, overflowed: &overflowed)
    }

    var clauseMark: Int { pendingClauses.count }
    mutating func push(_ clause: Conditional.Clause) { pendingClauses.append(clause) }
    mutating func finishClauses(from mark: Int) -> ClauseList {
        SyntaxBuilder.finish(&pendingClauses, from: mark, to: &segment.clauses, tag: tag, overflowed: &overflowed)
    }

    /// Moves the items pushed since `mark` to the end of `store` (one of the segment's arrays; nothing is stored
    /// after an overflow) and returns them as a run.
    private static func finish<Element>(
        _ pending: inout [Element], from mark: Int, to store: inout [Element], tag: UInt32, overflowed: inout Bool
    ) -> Run<Element> {
        let count = pending.count - mark
        guard count > 0 else { return .empty }
        let start = index(store.count, tag: tag, overflowed: &overflowed)
        if !overflowed { store.append(contentsOf: pending[mark...]) }
        pending.truncate(to: mark)
        return Run(start: start, count: Int32(count))
    }

    /// Drops the clauses pushed since `mark` (a conditional that failed to parse).
    mutating func discardClauses(from mark: Int) {
        pendingClauses.truncate(to: mark)
    }
}

// A reference in a message would print its index: these make writing one a compile-time error.
extension DefaultStringInterpolation {
    @available(*, unavailable, message: "interpolate what it refers to: tree.text(ref), tree.bytes(ref), tree[ref]")
    public mutating func appendInterpolation<Target>(_ value: Ref<Target>) {}
    @available(*, unavailable, message: "interpolate the text: tree.text(name.text)")
    public mutating func appendInterpolation(_ value: Name) {}
}
