import Foundation

extension CommandLine {
    /// Runs the `datanet` command with the process arguments; returns the exit code.
    public static func runDatanet() -> Int32 {
        print("datanet 0.1.0")
        return 0
    }
}
