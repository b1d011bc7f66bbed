// Every message text of the lexer and parser, in one place. Messages are lowercase, without a final
// period, with names and spellings in single quotes (STYLE.md).
import Diagnostics

/// The front end's diagnostic texts.
enum Messages {
    // MARK: - Lexer

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
    static let nestingTooDeepHint = "split the expression or block into smaller functions or variables"
    static let structLiteralInCondition = "struct literals are not allowed here without parentheses"
    static let structLiteralInConditionHint = "wrap the struct literal in parentheses: '(Name { ... })'"
}
