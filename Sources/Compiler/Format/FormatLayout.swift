// What the formatter needs from the syntax tree that tokens alone do not tell: which `{` open blocks
// (their bodies indent from the statement's first line, even when its head spans lines) and which `<` and
// `>` are the brackets of a written type (`List<Int>`: no spaces) rather than comparisons.

/// Positions collected from a parsed file for the formatter.
struct FormatLayout {
    /// Byte offsets of the `{` of every block (function, `if`, loop, test... bodies).
    private(set) var blockStarts: Set<Int> = []
    /// The byte ranges of every written type, in no particular order.
    private(set) var typeRanges: [Range<Int>] = []

    /// The tree's statements.
    private let tree: SyntaxTree

    init(_ ast: SourceFileAST) {
        tree = ast.tree
        for decl in ast.declarations { collect(decl) }
    }

    private mutating func collect(_ decl: Decl) {
        switch decl.kind {
        case .use: break
        case .constant(_, let type, _): collect(type)
        case .state(_, let type, _): collect(type)
        case .event(_, let fields), .structure(_, let fields): collect(fields)
        case .interface(_, let functions): for f in functions { collect(f) }
        case .initializer(let parameters, let body), .migration(let parameters, let body):
            collect(parameters)
            collect(body)
        case .function(let f): collect(f)
        case .test(_, _, let body), .scenario(_, _, let body): collect(body)
        }
    }

    private mutating func collect(_ function: FunctionDecl) {
        collect(function.parameters)
        collect(function.returnType)
        if let body = function.body { collect(body) }
    }

    private mutating func collect(_ parameters: [Parameter]) {
        for p in parameters { collect(p.type) }
    }

    private mutating func collect(_ type: TypeSyntax?) {
        guard let type else { return }
        typeRanges.append(type.range.start..<type.range.end)
    }

    private mutating func collect(_ block: Block) {
        blockStarts.insert(block.range.start)
        for statement in tree[block.statements] { collect(statement) }
    }

    private mutating func collect(_ statement: Stmt) {
        switch tree[statement].kind {
        case .binding(let binding): collect(tree[binding].type)
        case .conditional(let conditional):
            for clause in tree[conditional.clauses] { collect(clause.body) }
            if let body = conditional.elseBody { collect(body) }
        case .whileLoop(_, let body): collect(body)
        case .forLoop(let loop): collect(tree[loop].body)
        case .tryCall(_, let body), .asAccount(_, let body), .expectRevert(_, let body), .block(let body):
            collect(body)
        case .assignment, .expression, .breakLoop, .continueLoop, .returnValue, .emit, .error:
            break
        }
    }
}
