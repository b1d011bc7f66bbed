// Statements. `require`, `revert`, `assert` and `assert_eq` are calls in expression statements: they are
// builtins, resolved by Sema like `len` or `transfer`.
import Diagnostics

/// The forms of statement.
public enum StmtKind: Hashable, Sendable {
    /// `let x: T = e` or `var x: T = e` (type and value each optional in the syntax).
    case binding(BindingRef)
    /// `target op value`; the parser only accepts names, index and member expressions as targets.
    case assignment(target: Expr, op: AssignmentOperator, value: Expr, operatorRange: SourceRange)
    /// An expression evaluated for its effect, usually a call.
    case expression(Expr)
    /// `if c { } else if c { } else { }`.
    case conditional(Conditional)
    /// `while c { }`.
    case whileLoop(condition: Expr, body: Block)
    /// `for x in e { }`, `for i in a..b { }`, `for k, v in m { }`.
    case forLoop(ForLoopRef)
    /// `break`.
    case breakLoop
    /// `continue`.
    case continueLoop
    /// `return` or `return e`.
    case returnValue(Expr?)
    /// `emit Event(arguments)`.
    case emit(event: Name, arguments: ExprList)
    /// `try call else { }`: runs `elseBody` if the cross-contract call reverts.
    case tryCall(call: Expr, elseBody: Block)
    /// `as(account) { }` in tests: calls inside come from `account`.
    case asAccount(account: Expr, body: Block)
    /// `expect_revert("message") { }` or `expect_revert { }` in tests.
    case expectRevert(message: Expr?, body: Block)
    /// A nested `{ }` block.
    case block(Block)
    /// A statement that failed to parse; an error was reported.
    case error
}

/// `{ statements }`.
public struct Block: Hashable, Sendable {
    /// From `{` to `}` inclusive.
    public let range: SourceRange
    /// The statements, in order (`tree[block.statements]`).
    public let statements: StmtList

    /// Creates a block.
    public init(range: SourceRange, statements: StmtList) {
        self.range = range
        self.statements = statements
    }
}

/// A `let` or `var` binding.
public struct Binding: Hashable, Sendable {
    /// True for `var`.
    public let isMutable: Bool
    /// The bound name.
    public let name: Identifier
    /// The written type, if any.
    public let type: TypeSyntax?
    /// The initial value, if any.
    public let initializer: Expr?

    /// Creates a binding.
    public init(isMutable: Bool, name: Identifier, type: TypeSyntax?, initializer: Expr?) {
        self.isMutable = isMutable
        self.name = name
        self.type = type
        self.initializer = initializer
    }
}

/// An `if` with its `else if` clauses and optional `else`.
public struct Conditional: Hashable, Sendable {
    /// One `if c { }` or `else if c { }`.
    public struct Clause: Hashable, Sendable {
        /// The condition.
        public let condition: Expr
        /// The block run when it holds.
        public let body: Block

        /// Creates a clause.
        public init(condition: Expr, body: Block) {
            self.condition = condition
            self.body = body
        }
    }

    /// The `if` clause followed by each `else if`, in order (`tree[conditional.clauses]`).
    public let clauses: ClauseList
    /// The final `else` block.
    public let elseBody: Block?

    /// Creates a conditional.
    public init(clauses: ClauseList, elseBody: Block?) {
        self.clauses = clauses
        self.elseBody = elseBody
    }
}

/// A `for` loop.
public struct ForLoop: Hashable, Sendable {
    /// What a `for` loop walks over.
    public enum Sequence: Hashable, Sendable {
        /// A list or map value.
        case value(Expr)
        /// `lower..upper`, upper excluded.
        case range(lower: Expr, upper: Expr)
    }

    /// The first name (`x` in `for x in`, `k` in `for k, v in`).
    public let first: Identifier
    /// The second name, if any (`v` in `for k, v in`).
    public let second: Identifier?
    /// The sequence.
    public let sequence: Sequence
    /// The loop body.
    public let body: Block

    /// Creates a loop.
    public init(first: Identifier, second: Identifier?, sequence: Sequence, body: Block) {
        self.first = first
        self.second = second
        self.sequence = sequence
        self.body = body
    }

    /// One name or two, in order.
    public var names: [Identifier] { second.map { [first, $0] } ?? [first] }
}
