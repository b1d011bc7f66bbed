import Foundation
import Testing
@testable import CLI

/// `datanet new`: a project that passes its own tests at once.
@Suite struct NewCommandTests {
    @Test func scaffoldsAProjectWhoseTestsPass() throws {
        let dir = temporaryDirectory()
        let project = dir.appendingPathComponent("royalty-pool").path
        let r = datanet("new", project)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("royalty_pool.dn"))
        #expect(r.out.contains("next: datanet test \(project)"))
        for name in ["royalty_pool.dn", "royalty_pool_test.dn", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: project + "/" + name), "\(name) missing")
        }
        let contract = try String(contentsOfFile: project + "/royalty_pool.dn", encoding: .utf8)
        #expect(contract.hasPrefix("contract RoyaltyPool\n"))

        let test = datanet("test", project, "--no-time")
        #expect(test.status == 0, "\(test.out)\(test.err)")
        #expect(test.out.contains("3 passed, 0 failed"))
        let check = datanet("check", project + "/royalty_pool.dn")
        #expect(check.status == 0, "\(check.err)")
        #expect(check.err.isEmpty)  // no warnings either
        let fmt = datanet("fmt", "--check", project)
        #expect(fmt.status == 0, "the scaffold is not formatted: \(fmt.out)")
    }

    @Test func refusesToOverwriteAnExistingDirectory() throws {
        let dir = temporaryDirectory()
        let project = dir.appendingPathComponent("p").path
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: project + "/keep.txt", contents: Data("mine".utf8)))
        let r = datanet("new", project)
        #expect(r.status == 1)
        #expect(r.err.contains("error: '\(project)' already exists; nothing was written"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: project)) == ["keep.txt"])
    }

    @Test func rejectsNamesThatMakeNoContractName() {
        for name in ["9lives", "my project", "caf\u{E9}", "a.b"] {
            let r = datanet("new", name)
            #expect(r.status == 2, "\(name)")
            #expect(r.err.contains("is not a project name"), "\(name)")
            #expect(!FileManager.default.fileExists(atPath: name))
        }
        #expect(datanet("new", "-x").status == 2)
        #expect(datanet("new").status == 2)
        #expect(datanet("new", "a", "b").status == 2)
    }
}
