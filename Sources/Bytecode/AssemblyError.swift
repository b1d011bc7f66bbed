/// An error in assembly text, at a 1-based line and column.
public struct AssemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name given to `Assembler.assemble`.
    public var fileName: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int
    /// Lowercase, without a final period, names in quotes.
    public var message: String

    /// An error at `line:column` of `fileName`.
    public init(fileName: String = "<input>", line: Int, column: Int, message: String) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:col: error: message`, as the Swift compiler prints it.
    public var description: String { "\(fileName):\(line):\(column): error: \(message)" }
}
