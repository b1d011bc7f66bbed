/// An error in assembly text, at a 1-based line and column.
public struct AssemblyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var fileName: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(fileName: String = "<input>", line: Int, column: Int, message: String) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:col: error: message`, as the Swift compiler prints it.
    public var description: String { "\(fileName):\(line):\(column): error: \(message)" }
}
