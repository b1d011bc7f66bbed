import Foundation

/// `datanet new NAME`: a project directory with a contract, its tests and a README; `datanet test NAME` passes.
enum NewCommand {
    static let command = Command(
        name: "new", summary: "create a project directory: a contract, its tests and a README",
        usage: "datanet new NAME",
        examples: ["datanet new royalty_pool && datanet test royalty_pool", "datanet new contracts/curation-fees"],
        spec: .init()
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "new needs one project name") }
        let path = args.positional[0]
        let base = (path as NSString).lastPathComponent
        guard let project = Project(directoryName: base) else {
            return usage(console, "'\(base)' is not a project name: use letters, digits, '_' and '-', starting with a letter")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            console.error("'\(path)' already exists; nothing was written")
            return ExitCode.failure
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for (name, text) in project.files {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent(name))
            }
        } catch {
            console.error("cannot create '\(path)': \(error.localizedDescription)")
            return ExitCode.failure
        }
        console.out("created \(path)/")
        for (name, _) in project.files { console.out("  \(name)") }
        console.out("")
        console.out("next: datanet test \(path)")
        return ExitCode.ok
    }

    /// The names and text of a new project's files.
    struct Project {
        /// The file stem: the directory name in snake case (`royalty-pool` → `royalty_pool`).
        let stem: String
        /// The contract's name: the directory name in upper camel case (`RoyaltyPool`).
        let contract: String

        init?(directoryName: String) {
            let letter = { (c: Character) in c.isASCII && c.isLetter }
            guard let first = directoryName.first, letter(first),
                directoryName.allSatisfy({ letter($0) || ($0.isASCII && $0.isNumber) || $0 == "_" || $0 == "-" })
            else { return nil }
            stem = directoryName.lowercased().replacingOccurrences(of: "-", with: "_")
            contract = directoryName.split(whereSeparator: { $0 == "_" || $0 == "-" })
                .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }

        var files: [(String, String)] {
            [("\(stem).dn", contractSource), ("\(stem)_test.dn", testSource), ("README.md", readme)]
        }

        var contractSource: String {
            """
            contract \(contract)

            // Contributors are recorded with a weight; a pool sent to the contract is split between them in
            // proportion to their weights, and what integer division leaves over stays with the contract.

            state owner: Address
            state weights: Map<Address, Int>
            state members: List<Address>
            state total: Int

            event Paid(to: Address, amount: Int)

            init(admin: Address) {
                owner = admin
            }

            pub fn set_weight(who: Address, weight: Int) {
                require(caller == owner, "only owner")
                require(weight >= 0, "negative weight")
                if !has(weights, who) { members.push(who) }
                total = total - weights[who] + weight
                weights[who] = weight
            }

            pub fn distribute(pool: Int) -> Int {
                require(caller == owner, "only owner")
                require(total > 0, "no weights")
                var sent = 0
                for m in members {
                    let amount = pool * weights[m] / total
                    if amount > 0 {
                        transfer(m, amount)
                        emit Paid(m, amount)
                        sent += amount
                    }
                }
                return pool - sent // the remainder
            }

            view fn weight_of(who: Address) -> Int {
                return weights[who]
            }

            """
        }

        var testSource: String {
            """
            // Run with `datanet test`: each test gets a fresh chain; `@name` accounts start with START_BALANCE.

            test "the owner sets weights" {
                let c = deploy("\(stem).dn", @alice)
                c.set_weight(@bob, 1)
                c.set_weight(@carol, 3)
                assert_eq(c.weight_of(@bob), 1)
                assert_eq(c.weight_of(@carol), 3)
            }

            test "a pool is split by weight and the remainder stays" {
                let c = deploy("\(stem).dn", @alice)
                c.set_weight(@bob, 1)
                c.set_weight(@carol, 2)
                send(@alice, c, 100) // fund the contract
                assert_eq(c.distribute(100), 1)
                assert_eq(balance(@bob) - START_BALANCE, 33)
                assert_eq(balance(@carol) - START_BALANCE, 66)
                assert_eq(balance(c), 1)
            }

            test "only the owner sets weights" {
                let c = deploy("\(stem).dn", @alice)
                expect_revert("only owner") {
                    as(@bob) { c.set_weight(@bob, 5) }
                }
            }

            """
        }

        /// A shell line with a comment in column 40 (or one space after a longer command).
        private func commented(_ command: String, _ comment: String) -> String {
            command + String(repeating: " ", count: max(1, 39 - command.count)) + "# " + comment
        }

        var readme: String {
            """
            # \(contract)

            A Datanet contract: contributors are recorded with a weight, and `distribute(pool)` pays each
            of them their share of the pool. Written in the Datanet language (`Docs/language.md`).

            | file | holds |
            | --- | --- |
            | `\(stem).dn` | the contract |
            | `\(stem)_test.dn` | its tests, each on a fresh in-memory chain |

            ```sh
            \(commented("datanet test .", "run the tests"))
            \(commented("datanet check \(stem).dn", "type-check, with diagnostics"))
            \(commented("datanet fmt .", "format the sources"))
            ```

            On a local chain:

            ```sh
            datanet chain init
            datanet deploy \(stem).dn @alice --from alice
            datanet call 0x<contract> 'set_weight(@bob, 1)' --from alice
            datanet query 0x<contract> 'weight_of(@bob)'
            ```

            """
        }
    }
}
