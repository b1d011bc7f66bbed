// The kinds of token the lexer produces.

/// A token's kind. Keywords are either reserved (never a name) or contextual (a keyword only where a
/// declaration may start, a name everywhere else); see `isContextualKeyword`.
public enum TokenKind: UInt8, Sendable, Hashable, CaseIterable {
    // MARK: - Special
    case endOfFile
    /// Bytes that form no token; the lexer has already reported them.
    case error

    // MARK: - Names and literals
    case identifier
    case integer
    case decimal
    case string
    /// `@0x` followed by 64 hex digits, or `@name`.
    case address
    /// `#0x` followed by 64 hex digits.
    case hash

    // MARK: - Reserved keywords
    case kwFn, kwLet, kwVar, kwIf, kwElse, kwWhile, kwFor, kwIn, kwBreak, kwContinue, kwReturn
    case kwEmit, kwTry, kwAs, kwTrue, kwFalse

    // MARK: - Contextual keywords (declaration starts)
    case kwContract, kwLibrary, kwInterface, kwUse, kwConst, kwState, kwEvent, kwStruct
    case kwInit, kwMigrate, kwPub, kwView, kwTest

    // MARK: - Punctuation
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, dot, dotDot, arrow

    // MARK: - Operators
    case plus, minus, star, slash, percent, bang
    case equal, plusEqual, minusEqual, starEqual, slashEqual
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case ampAmp, pipePipe

    // MARK: - Properties

    /// Keywords that are names outside declaration heads (`let state = 1` is fine).
    public var isContextualKeyword: Bool {
        switch self {
        case .kwContract, .kwLibrary, .kwInterface, .kwUse, .kwConst, .kwState, .kwEvent, .kwStruct,
             .kwInit, .kwMigrate, .kwPub, .kwView, .kwTest:
            true
        default:
            false
        }
    }

    /// Identifiers and contextual keywords: anything usable as a name.
    public var isName: Bool { self == .identifier || isContextualKeyword }

    /// How the kind is named in messages: the spelling in quotes, or a phrase for literal kinds.
    public var displayName: String {
        switch self {
        case .endOfFile: "end of file"
        case .error: "invalid token"
        case .identifier: "name"
        case .integer: "integer literal"
        case .decimal: "decimal literal"
        case .string: "string literal"
        case .address: "address literal"
        case .hash: "hash literal"
        default: "'\(spelling)'"
        }
    }

    /// The exact text of a keyword or punctuation kind (empty for the others).
    public var spelling: String {
        switch self {
        case .kwFn: "fn"
        case .kwLet: "let"
        case .kwVar: "var"
        case .kwIf: "if"
        case .kwElse: "else"
        case .kwWhile: "while"
        case .kwFor: "for"
        case .kwIn: "in"
        case .kwBreak: "break"
        case .kwContinue: "continue"
        case .kwReturn: "return"
        case .kwEmit: "emit"
        case .kwTry: "try"
        case .kwAs: "as"
        case .kwTrue: "true"
        case .kwFalse: "false"
        case .kwContract: "contract"
        case .kwLibrary: "library"
        case .kwInterface: "interface"
        case .kwUse: "use"
        case .kwConst: "const"
        case .kwState: "state"
        case .kwEvent: "event"
        case .kwStruct: "struct"
        case .kwInit: "init"
        case .kwMigrate: "migrate"
        case .kwPub: "pub"
        case .kwView: "view"
        case .kwTest: "test"
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBrace: "{"
        case .rightBrace: "}"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .comma: ","
        case .colon: ":"
        case .dot: "."
        case .dotDot: ".."
        case .arrow: "->"
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .percent: "%"
        case .bang: "!"
        case .equal: "="
        case .plusEqual: "+="
        case .minusEqual: "-="
        case .starEqual: "*="
        case .slashEqual: "/="
        case .equalEqual: "=="
        case .bangEqual: "!="
        case .less: "<"
        case .lessEqual: "<="
        case .greater: ">"
        case .greaterEqual: ">="
        case .ampAmp: "&&"
        case .pipePipe: "||"
        case .endOfFile, .error, .identifier, .integer, .decimal, .string, .address, .hash: ""
        }
    }

    /// Every keyword, reserved and contextual: `Lexer` recognises them in its table of names.
    static let keywords: [TokenKind] = allCases.filter { $0.rawValue >= kwFn.rawValue && $0.rawValue <= kwTest.rawValue }
}
