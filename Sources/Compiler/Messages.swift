// Every message text of the lexer and parser, in one place. Messages are lowercase, without a final
// period, with names and spellings in single quotes (STYLE.md).
import Diagnostics

/// The front end's diagnostic texts.
public enum Messages {
    // MARK: - Lexer

    static let closure = "closures ('|x| ...') are not part of the language"
    static let closureHint = "write a 'for' loop (e.g. 'for i in 0..len(xs) { ... }') or a named 'fn' instead"

    static func singleOperator(_ found: String, _ meant: String) -> String {
        "unexpected '\(found)'; did you mean '\(meant)'?"
    }

    static func invalidCharacter(_ bytes: [UInt8], at index: Int) -> (text: String, hint: String?) {
        let byte = index < bytes.count ? bytes[index] : 0
        if byte == 0 { return ("unexpected NUL byte", nil) }
        if byte == UInt8(ascii: ";") {
            return ("unexpected ';'", "statements are separated by line breaks; remove the ';'")
        }
        if byte < 0x20 || byte == 0x7F { return ("unexpected control character \(hexByte(byte))", nil) }
        if byte < 0x80 {
            return ("unexpected character '\(Character(Unicode.Scalar(byte)))'", nil)
        }
        guard let scalar = UTF8Scan.scalar(bytes, at: index) else {
            return ("invalid UTF-8 byte \(hexByte(byte))", nil)
        }
        return ("unexpected character '\(Character(scalar))'", "names use ASCII letters, digits and '_'")
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }

    static func malformedNumber(_ text: String) -> String { "malformed number '\(text)'" }
    static let malformedNumberHint = "integer literals are decimal digits and '_'; a name cannot start with a digit"
    static let tooManyFractionDigits = "decimal literal has more than 18 fractional digits"
    static let controlCharacterInString = "control character in string literal; use an escape such as '\\n'"
    static func invalidUTF8InString(_ byte: UInt8) -> String { "invalid UTF-8 byte \(hexByte(byte)) in string literal" }
    static let unterminatedString = "unterminated string literal"
    static let unterminatedStringHint = "add a closing '\"' before the end of the line"
    static func invalidEscape(_ text: String) -> String { "invalid escape sequence '\(text)' in string literal" }
    static let validEscapesHint = "valid escapes are \\n \\t \\r \\0 \\\\ \\\" and \\u{...}"
    static let invalidUnicodeEscape = "invalid unicode escape; expected '\\u{' followed by 1 to 6 hex digits and '}'"
    static let invalidUnicodeScalar = "unicode escape is not a valid scalar value"
    static let expectedAfterAt = "expected an account name or '0x' and 64 hex digits after '@'"
    static let expectedAfterHash = "expected '0x' and 64 hex digits after '#'"
    static func invalidHexLiteral(_ what: String) -> String { "invalid character in \(what) literal" }
    static func wrongHexLength(_ what: String, _ digits: Int) -> String {
        "\(what) literal needs 64 hex digits, found \(digits)"
    }

    // MARK: - Parser: structure

    static func expected(_ what: String, after: String) -> String { "expected \(what) after \(after)" }
    static func expected(_ what: String, in context: String) -> String { "expected \(what) in \(context)" }
    static func expectedClosing(_ close: String, _ open: String, line: Int) -> String {
        "expected '\(close)' to close '\(open)' at line \(line)"
    }
    static func unclosedLabel(_ open: String) -> String { "'\(open)' opened here" }
    static let expectedDeclaration = "expected a declaration"
    static let expectedDeclarationHint =
        "a file holds 'use', 'const', 'state', 'event', 'struct', 'interface', 'init', 'migrate', 'fn' and 'test'"
    static func headerNotFirst(_ keyword: String) -> String { "'\(keyword)' must be the first declaration in the file" }
    static let duplicateHeader = "a file holds only one 'contract' or 'library'"
    static func bracedHeader(_ keyword: String) -> String {
        "a \(keyword)'s declarations are the rest of the file, not a '{ }' block"
    }
    static let bracedHeaderHint = "remove this '{' and its matching '}'"
    static let unexpectedCloseBrace = "unexpected '}' with no '{' to close"
    static let expectedStatement = "expected a statement"
    static let consecutiveStatements = "consecutive statements on a line must be separated by a line break"
    static let consecutiveDeclarations = "consecutive declarations on a line must be separated by a line break"
    static let functionNeedsBody = "expected '{' to start the body of 'fn'"
    static let interfaceBody = "interface functions have no body"
    static let expectedInterfaceMember = "expected 'fn' or 'view fn' in interface"
    static let duplicateModifier = "duplicate modifier"
    static let expectedFnAfterModifiers = "expected 'fn' after 'pub' or 'view'"

    // MARK: - Parser: statements and expressions

    static let expectedExpression = "expected expression"
    static let invalidAssignmentTarget = "cannot assign to this expression"
    static let invalidAssignmentTargetHint = "only names, 'x[i]' and 'x.field' can be assigned to"
    static let chainedComparison = "comparison operators cannot be chained"
    static let chainedComparisonHint = "combine comparisons with '&&', e.g. 'a < b && b < c'"
    static let assignmentInExpression = "'=' is an assignment, not an expression"
    static let assignmentInExpressionHint = "use '==' to compare"
    static let expectRevertNeedsBlock = "expected '{' after 'expect_revert'"
    static let tryNeedsCall = "expected a call after 'try'"
    static let tryNeedsElse = "expected 'else' after the call in 'try'"
    static let rangeOnlyInFor = "ranges 'a..b' are only allowed in 'for' loops"
    static let nestingTooDeep = "nesting too deep; the limit is 256 levels"
    static let expressionTooLong = "expression too long; the limit is 256 operators in a chain"
    static let fileTooLarge = "file is too large to parse: it holds more than 67,108,864 expressions or statements"
    static let fileTooLargeHint = "split it into libraries ('use \"file.dn\"')"
    static let nestingTooDeepHint = "split the expression or block into smaller functions or variables"
    static let structLiteralInCondition = "struct literals are not allowed here without parentheses"
    static let structLiteralInConditionHint = "wrap the struct literal in parentheses: '(Name { ... })'"
}

// MARK: - Type checker

extension Messages {
    static func unknownName(_ name: String) -> String { "cannot find '\(name)' in scope" }
    static func unknownType(_ name: String) -> String { "cannot find type '\(name)' in scope" }
    static func didYouMean(_ name: String) -> String { "did you mean '\(name)'?" }
    static func typeMismatch(expected: SemaType, found: SemaType) -> String {
        "type mismatch: expected '\(expected)', found '\(found)'"
    }
    static func cannotAssignLet(_ name: String) -> String {
        "cannot assign to '\(name)': '\(name)' is a 'let' constant"
    }
    static func cannotAssignLoopVariable(_ name: String) -> String {
        "cannot assign to '\(name)': loop variables are immutable"
    }
    static func recursiveStruct(_ name: String) -> String { "struct '\(name)' contains itself" }
    static func typeAsValue(_ name: String) -> String { "'\(name)' is a type, not a value" }
    static func cannotAssignBuiltin(_ name: String) -> String {
        "cannot assign to '\(name)': it is given by the call's environment"
    }
    static func cannotAssignFunction(_ name: String) -> String { "cannot assign to '\(name)': it is a function" }
    static func needsVariable(_ what: String) -> String { "this needs \(what) held in a variable or state variable" }
    static func cannotAssignParameter(_ name: String) -> String {
        "cannot assign to '\(name)': parameters are immutable"
    }
    static func cannotAssignConst(_ name: String) -> String { "cannot assign to '\(name)': it is a 'const'" }
    static func viewWrites(_ function: String) -> String { "view function '\(function)' cannot write state" }
    static func viewCallsWriter(_ function: String, _ callee: String) -> String {
        "view function '\(function)' cannot call '\(callee)', which may write state"
    }
    static func missingReturn(_ function: String, _ type: SemaType) -> String {
        "missing return in function '\(function)' that returns '\(type)'"
    }
    static let unreachable = "code after this point will never be executed"
    /// "'f' takes 2 arguments but 1 was given": the compiler's wording, also used by the test runner and the REPL.
    public static func argumentCount(_ name: String, expected: Int, found: Int) -> String {
        "'\(name)' " + takesArguments(expected: expected, found: found)
    }
    /// "takes 2 arguments but 1 was given".
    public static func takesArguments(expected: Int, found: Int) -> String {
        "takes \(expected) argument\(expected == 1 ? "" : "s") but \(found) \(found == 1 ? "was" : "were") given"
    }
    static func argumentType(_ index: Int, _ name: String, expected: SemaType, found: SemaType) -> String {
        "argument \(index) of '\(name)' must be '\(expected)', found '\(found)'"
    }
    static func binaryOperands(_ op: String, _ lhs: SemaType, _ rhs: SemaType) -> String {
        "operator '\(op)' cannot be applied to '\(lhs)' and '\(rhs)'"
    }
    static func unaryOperand(_ op: String, _ type: SemaType) -> String {
        "operator '\(op)' cannot be applied to '\(type)'"
    }
    static func notMapKey(_ type: SemaType) -> String {
        "'\(type)' cannot be a map key; keys are Int, Address, Hash, String or Bool"
    }
    static func duplicate(_ what: String, _ name: String) -> String { "\(what) '\(name)' is already defined" }
    static let previousDefinition = "previously defined here"
    static func noField(_ type: SemaType, _ field: String) -> String {
        "value of type '\(type)' has no field '\(field)'"
    }
    static func noMethod(_ type: SemaType, _ method: String) -> String {
        "value of type '\(type)' has no method '\(method)'"
    }
    /// The hint for `xs.len()` where `len` is a builtin function: `call` is `len(xs)`, nil when too long to show.
    static func builtinAsFunction(_ name: String, call: String?) -> String {
        if let call { return "write '\(call)'" }
        return "'\(name)' is a function: write '\(name)(...)' with the value as its first argument"
    }
    static let intDecMixHint = "convert with 'dec(...)' or 'int(...)'; Int and Dec do not mix implicitly"
    static func notIndexable(_ type: SemaType) -> String { "value of type '\(type)' cannot be indexed" }
    static func conditionNotBool(_ type: SemaType) -> String { "condition must be 'Bool', found '\(type)'" }
    static let breakOutsideLoop = "'break' outside a loop"
    static let continueOutsideLoop = "'continue' outside a loop"
    static func returnValueInVoid(_ function: String) -> String {
        "function '\(function)' returns nothing; remove the returned value"
    }
    static func returnWithoutValue(_ type: SemaType) -> String { "missing return value of type '\(type)'" }
    static func integerTooLarge(_ digits: String) -> String { "integer literal '\(digits)' does not fit in 'Int'" }
    static func decimalTooLarge(_ text: String) -> String { "decimal literal '\(text)' does not fit in 'Dec'" }
    static let namedAccountOutsideTests = "named accounts like '@alice' exist only in tests and the REPL"
    static func stateCollectionAsValue(_ name: String, _ type: SemaType) -> String {
        "state variable '\(name)' of type '\(type)' cannot be used as a whole value"
    }
    static let stateCollectionHint = "use 'x[k]', 'has', 'remove', 'len' (lists), 'push'/'pop' (lists) or 'for ... in'"
    static func constantOverflow(_ op: String) -> String { "arithmetic overflow in constant expression ('\(op)')" }
    static let constantDivisionByZero = "division by zero in constant expression"
    static func notConstant(_ name: String) -> String { "the value of const '\(name)' must be a constant expression" }
    static func constantCycle(_ name: String) -> String { "const '\(name)' refers to itself" }
    static let emptyListType = "cannot infer the type of an empty list"
    static let emptyListTypeHint = "write the type, e.g. 'var xs: List<Int> = []'"
    static func missingFields(_ type: String, _ fields: [String]) -> String {
        "missing field\(fields.count == 1 ? "" : "s") \(fields.map { "'\($0)'" }.joined(separator: ", ")) in '\(type)'"
    }
    static func duplicateField(_ field: String) -> String { "field '\(field)' is given twice" }
    static func bindingNeedsValue(_ name: String) -> String { "'\(name)' needs a type or an initial value" }
    static let onlyInTests = "this statement is only allowed in test files"
    static func notCallable(_ name: String) -> String { "'\(name)' is not a function" }
    static func valueNotCallable(_ name: String, _ what: String) -> String { "'\(name)' is \(what), not a function" }
    static func notAValue(_ name: String) -> String { "'\(name)' is not a value" }
    static func unknownLibrary(_ name: String) -> String { "cannot find library '\(name)'" }
    static let libraryForms = "a library is named 'use std.NAME' (the standard library) or 'use \"path/file.dn\"'"
    static let noStandardLibrary = "no standard library was found: the datanet command looks for a 'Stdlib' "
        + "directory above the working directory and above its executable; set DATANET_STDLIB to the directory "
        + "that holds math.dn"
    static func standardLibraryHas(_ names: [String], suggestion: String?) -> String {
        (suggestion.map { didYouMean($0) + " " } ?? "") + "the standard library has " + names.joined(separator: ", ")
    }
    static func noLibraryFile(_ path: String) -> String {
        "no file at '\(path)' (a path in 'use' is relative to the directory of the file that names it)"
    }
    static func notALibrary(_ path: String) -> String {
        "'\(path)' is not a library; it must start with 'library Name'"
    }
    static let libraryDeclaration = "libraries hold only 'use', 'const' and 'fn' declarations"
    static let testDeclarationInContract = "'test' blocks belong in test files"
    static let testFile = "this is a test file; run it with 'datanet test'"
    static let binaryFile = "this is not source text: it holds binary data"
    static let binaryFileHint = "a .dn file is UTF-8 text"
    static let bytecodeNotSource = "this is compiled bytecode, not source text"
    static let bytecodeNotSourceHint = "bytecode files are named .dnb; disasm, verify, run and deploy read them"
    static let emptyFile = "this file declares no contract or library"
    static let emptyFileHint = "start it with 'contract Name' or 'library Name'"
    static func unknownEvent(_ name: String) -> String { "cannot find event '\(name)' in scope" }
    static func stateLength(_ name: String) -> String { "the length of state map '\(name)' is not available" }
    static let unusedResult = "result of this expression is unused"
    static let tryNeedsExternal = "'try' needs a call of another contract's function through an interface"
    static func tooManyLocals(_ limit: Int) -> String {
        "function has too many local variables and temporaries (the limit is \(limit))"
    }
    static let functionTooLarge = "function is too large to compile into one module function"
    static let functionTooLargeHint = "split it into smaller functions"
    static let moduleTooLarge = "contract is too large: a module table would exceed 65,535 entries"
    static let typeArgumentCount = "wrong number of type arguments"
    static func unusedVariable(_ name: String) -> String { "'\(name)' is never read" }
    static func initOrMigrateTwice(_ what: String) -> String { "a contract has at most one '\(what)'" }
    static let migrateSignature = "'migrate' takes exactly one parameter of type 'Int'"
    static func interfaceNotCallable(_ interface: String) -> String {
        "'\(interface)(address)' takes exactly one 'Address'"
    }
}
