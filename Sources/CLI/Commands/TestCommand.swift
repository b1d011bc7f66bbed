import Foundation
import Tooling

/// `datanet test FILE|DIR...`: run the `test` blocks of test files, each test on a fresh in-memory chain.
enum TestCommand {
    static let command = Command(
        name: "test",
        summary: "run the test blocks of test files (a directory: every *_test.dn under it), one fresh chain per test",
        usage: "datanet test FILE.dn|DIR... [--gas-report] [--no-time]",
        examples: ["datanet test Examples/", "datanet test Examples/royalty/royalty_split_test.dn --gas-report"],
        spec: .init(switches: ["--gas-report", "--no-time"])
    ) { args, console in
        guard !args.positional.isEmpty else { return usage(console, "test needs a test file or a directory") }
        var files: [String] = []
        for path in args.positional {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                console.error("cannot read '\(path)': no such file or directory")
                return ExitCode.failure
            }
            files += isDirectory.boolValue ? TestReport.testFiles(under: path) : [path]
        }
        if files.isEmpty {
            console.error("no *_test.dn files under \(args.positional.joined(separator: ", "))")
            return ExitCode.failure
        }
        let runner = TestRunner(stdlibDirectory: SourceCompilation.stdlibDirectory())
        var passed = 0, failed = 0
        for path in files {
            let data: Data
            do throws(ModuleLoader.LoadError) { data = try ModuleLoader.read(path) } catch {
                console.report(error)
                failed += 1
                continue
            }
            let result = runner.run(path: path, bytes: [UInt8](data))
            if !result.diagnostics.isEmpty {
                console.err(SourceCompilation.render(result.diagnostics, console: console))
                console.error("could not compile \(path): its tests did not run (counted as one failure)")
                failed += 1
                continue
            }
            for line in TestReport.lines(for: result, timing: !args.switches.contains("--no-time")) {
                console.out(line)
            }
            passed += result.outcomes.filter(\.passed).count
            failed += result.outcomes.filter { !$0.passed }.count
        }
        if args.switches.contains("--gas-report") {
            console.out("")
            for line in TestReport.gasTable(runner.gasReport) { console.out(line) }
        }
        console.out("")
        console.out(TestReport.summary(passed: passed, failed: failed))
        return failed == 0 ? ExitCode.ok : ExitCode.failure
    }
}
