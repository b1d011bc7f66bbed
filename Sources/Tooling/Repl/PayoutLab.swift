// `:table` and `:check`: payout formulas over recipients.
//
// A payout formula is a session `fn` taking the pool (an Int) and one `List<Int>` per input column, and
// returning one part per recipient: `fn boosted(pool: Int, weight: List<Int>, quality: List<Int>) -> List<Int>`.
// Columns are matched to parameters by name. Every evaluation is a call of the compiled formula on the session's
// chain (a dry run), so values and gas are those a contract would see.
import Bytecode
import Compiler
import Diagnostics
import Foundation

/// Why a formula gave no parts: it reverted, or returned something else.
struct PayoutFailure: Error, Equatable {
    var message: String
}

extension ReplSession {
    /// A payout formula's shape, read from its declaration.
    struct Formula {
        var name: String
        /// Names of the `List<Int>` columns after the pool.
        var columns: [String]
    }

    /// One set of inputs: the pool and a value per column per recipient.
    struct PayoutInput: Equatable {
        var pool: Int128
        var columns: [String: [Int128]]
        var count: Int { columns.values.first?.count ?? 0 }
    }

    /// The formula called `name`, or nil after saying why it is not one.
    func formula(_ name: String) -> Formula? {
        if let paren = name.firstIndex(of: "(") {
            fail("':table' and ':check' take formula names, not calls: write '\(name[..<paren])'; the inputs come from"
                + " the session's bindings named like its parameters, or from --from FILE.csv")
            return nil
        }
        guard let decl = declarations.last(where: { $0.key == "fn \(name)" }) else {
            let names = declarations.compactMap { $0.key.hasPrefix("fn ") ? String($0.key.dropFirst(3)) : nil }
            var message = "no fn '\(name)' in the session"
            if let s = EditDistance.suggestion(for: name, among: names) { message += "; did you mean '\(s)'?" }
            fail(message)
            return nil
        }
        let text = SourceFile(path: decl.file.path, bytes: Array(decl.file.bytes[decl.range]))
        let (items, _, _) = Parser.parseInteractive(text)
        guard case .declaration(let d)? = items.first, case .function(let f) = d.kind else { return nil }
        func typeText(_ t: TypeSyntax) -> String { t.range.text.replacingOccurrences(of: " ", with: "") }
        guard let first = f.parameters.first, typeText(first.type) == "Int",
            f.parameters.dropFirst().allSatisfy({ typeText($0.type) == "List<Int>" }),
            f.returnType.map(typeText) == "List<Int>"
        else {
            fail("'\(name)' is not a payout formula: write it as 'fn \(name)(pool: Int, weight: List<Int>, ...) -> List<Int>'"
                + " (one List<Int> per input column, one part per recipient)")
            return nil
        }
        return Formula(name: name, columns: f.parameters.dropFirst().map(\.name.name))
    }

    /// Compiles `formulas` into one contract with a public wrapper each, deploys it, runs `body` with a function
    /// that evaluates one formula on one input, then puts the chain back: every evaluation is a dry run.
    func withFormulas(
        _ formulas: [Formula], _ body: ((Formula, PayoutInput) -> (Result<[Int128], PayoutFailure>, gas: Int64)) -> Void
    ) {
        var source = prelude()
        for f in formulas {
            let params = (["pool: Int"] + f.columns.map { "\($0): List<Int>" }).joined(separator: ", ")
            let args = (["pool"] + f.columns).joined(separator: ", ")
            source.glue("pub fn __formula_\(f.name)(\(params)) -> List<Int> {\nreturn \(f.name)(\(args))\n}\n")
        }
        guard let module = compileSource(source) else { return }
        let snapshot = chain.snapshot()
        defer { rollback(snapshot) }
        let address: [UInt8]
        let callerAddress: [UInt8]
        do {
            guard case .success(let receipt) = try chain.deploy(module, args: [], from: caller), receipt.status == .success
            else {
                fail("the formulas could not be deployed")
                return
            }
            address = receipt.contract
            callerAddress = try chain.address(of: caller)
        } catch {
            fail("chain failure: \(error)")
            return
        }
        body { formula, input in
            let args: [Value] = [.int(input.pool)] + formula.columns.map { .list((input.columns[$0] ?? []).map(Value.int)) }
            do {
                let run = try chain.chain.simulate(
                    address, function: "__formula_\(formula.name)", args: args, caller: callerAddress,
                    gasLimit: Self.gasLimit)
                switch run.outcome {
                case .success(let values):
                    guard case .list(let items)? = values.first else { return (.failure(PayoutFailure(message: "returned no list")), run.gasUsed) }
                    var parts: [Int128] = []
                    for item in items { if case .int(let v) = item { parts.append(v) } }
                    return (.success(parts), run.gasUsed)
                case .failure(let trap):
                    var text = "reverted: \"\(trap.message)\""
                    if let p = trap.position, let place = source.location("\(p.file):\(p.line):\(p.column)") {
                        text += " at \(place.file.path):\(place.file.lineColumn(of: place.offset))"
                    }
                    return (.failure(PayoutFailure(message: text)), run.gasUsed)
                }
            } catch {
                return (.failure(PayoutFailure(message: "chain failure: \(error)")), 0)
            }
        }
    }

    // MARK: - :table

    /// One set of table inputs: recipients (row labels) and named columns.
    struct InputSet {
        var name: String
        var labels: [String]
        var columns: [String: [Int128]]
        var columnOrder: [String]
    }

    /// Reads a CSV input set: a header `recipient, COLUMN...`, then one row per recipient with integers.
    func readInputSet(_ path: String) -> InputSet? {
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("cannot read '\(path)'")
            return nil
        }
        let rows = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }.filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let header = rows.first, header.count >= 2 else {
            fail("'\(path)' needs a header row: recipient, then one column per formula input")
            return nil
        }
        var set = InputSet(
            name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, labels: [], columns: [:],
            columnOrder: Array(header.dropFirst()))
        for (r, row) in rows.dropFirst().enumerated() {
            guard row.count == header.count else {
                fail("\(path):\(r + 2): expected \(header.count) fields, found \(row.count)")
                return nil
            }
            set.labels.append(row[0])
            for (c, name) in set.columnOrder.enumerated() {
                guard let v = Int128(row[c + 1].replacingOccurrences(of: "_", with: "")) else {
                    fail("\(path):\(r + 2): '\(row[c + 1])' in column '\(name)' is not an integer")
                    return nil
                }
                set.columns[name, default: []].append(v)
            }
        }
        return set
    }

    /// The input set made of the session's bindings named like the formulas' columns (rows named by a
    /// `recipients` binding when it has one value per row).
    func bindingInputSet(for formulas: [Formula]) -> InputSet? {
        var set = InputSet(name: "session", labels: [], columns: [:], columnOrder: [])
        for f in formulas {
            for c in f.columns where set.columns[c] == nil {
                guard let b = bindings.first(where: { $0.name == c }), case .list(let items) = b.value else {
                    fail("'\(f.name)' needs a List<Int> named '\(c)': bind one (let \(c) = [...]) or use --from FILE.csv")
                    return nil
                }
                set.columns[c] = items.compactMap { if case .int(let v) = $0 { return v } else { return nil } }
                set.columnOrder.append(c)
            }
        }
        let count = set.columnOrder.first.flatMap { set.columns[$0]?.count } ?? 0
        if let b = bindings.first(where: { $0.name == "recipients" }), case .list(let items) = b.value,
            items.count == count
        {
            set.labels = items.map { describe($0) }
        } else {
            set.labels = (0..<count).map { "#\($0 + 1)" }
        }
        return set
    }

    func table(_ text: String) {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var csv = false
        var poolText: String?
        var files: [String] = []
        var names: [String] = []
        while !words.isEmpty {
            let w = words.removeFirst()
            switch w {
            case "--csv": csv = true
            case "--pool":
                guard !words.isEmpty else { return fail("--pool needs a number") }
                poolText = words.removeFirst()
            case "--from":
                guard !words.isEmpty else { return fail("--from needs a CSV file") }
                files.append(words.removeFirst())
            default:
                if w.hasPrefix("--") { return fail("unknown option '\(w)' (':help' shows :table's options)") }
                names.append(w)
            }
        }
        guard !names.isEmpty else {
            return fail(":table needs one or more formulas, e.g. ':table pro_rata boosted --pool 1000'")
        }
        var formulas: [Formula] = []
        for name in names {
            guard let f = formula(name) else { return }
            formulas.append(f)
        }
        // Input sets: each CSV file, or the session's bindings.
        var sets: [InputSet] = []
        if files.isEmpty {
            guard let set = bindingInputSet(for: formulas) else { return }
            sets.append(set)
        } else {
            for file in files {
                guard let set = readInputSet(file) else { return }
                sets.append(set)
            }
        }
        for set in sets {
            for f in formulas {
                for c in f.columns where (set.columns[c]?.count ?? -1) != set.labels.count {
                    return fail(set.columns[c] == nil ? "the inputs '\(set.name)' have no column '\(c)' for '\(f.name)'"
                        : "column '\(c)' of '\(set.name)' has \(set.columns[c]?.count ?? 0) values for \(set.labels.count) recipients")
                }
            }
        }
        let pool: Int128
        if let poolText {
            guard let p = Int128(poolText.replacingOccurrences(of: "_", with: "")) else { return fail("--pool needs an integer") }
            pool = p
        } else if let b = bindings.first(where: { $0.name == "pool" }), case .int(let p) = b.value {
            pool = p
        } else {
            return fail(":table needs a pool: --pool N, or a binding 'let pool = ...'")
        }
        // One column per formula and input set.
        struct Column {
            var title: String
            var set: Int
            var result: Result<[Int128], PayoutFailure>
            var gas: Int64
        }
        var columns: [Column] = []
        withFormulas(formulas) { evaluate in
            for (i, set) in sets.enumerated() {
                let input = PayoutInput(pool: pool, columns: set.columns)
                for f in formulas {
                    let (result, gas) = evaluate(f, input)
                    let title = sets.count == 1 ? f.name : "\(f.name)[\(set.name)]"
                    columns.append(Column(title: title, set: i, result: result, gas: gas))
                }
            }
        }
        guard columns.count == formulas.count * sets.count else { return }
        // Rows: every recipient of any set, in order of first appearance; input columns when there is one set.
        var labels: [String] = []
        for set in sets { for label in set.labels where !labels.contains(label) { labels.append(label) } }
        let inputs = sets.count == 1 ? sets[0].columnOrder : []
        let header = ["recipient"] + inputs + columns.map(\.title)
        var rows: [[String]] = []
        for label in labels {
            var row = [label]
            for c in inputs {
                let index = sets[0].labels.firstIndex(of: label)
                row.append(index.flatMap { sets[0].columns[c]?[$0] }.map { String($0) } ?? "")
            }
            for column in columns {
                let index = sets[column.set].labels.firstIndex(of: label)
                if case .success(let parts) = column.result, let index, index < parts.count {
                    row.append(String(parts[index]))
                } else {
                    row.append(index == nil ? "" : "-")
                }
            }
            rows.append(row)
        }
        var total = ["total"] + inputs.map { c in String((sets[0].columns[c] ?? []).reduce(0, &+)) }
        var remainder = ["remainder"] + inputs.map { _ in "" }
        var gas = ["gas"] + inputs.map { _ in "" }
        for column in columns {
            if case .success(let parts) = column.result {
                let sum = parts.reduce(0, &+)
                total.append(String(sum))
                remainder.append(String(pool &- sum))
            } else {
                total.append("-")
                remainder.append("-")
            }
            gas.append(String(column.gas))
        }
        rows += [total, remainder, gas]
        if csv {
            say(header.joined(separator: ","))
            for row in rows { say(row.joined(separator: ",")) }
        } else {
            say("pool \(pool)")
            for line in Self.grid(header: header, rows: rows, rightAligned: Set(1..<header.count)) { say(line) }
        }
        for column in columns {
            if case .failure(let failure) = column.result { fail("\(column.title): \(failure.message)") }
            if case .success(let parts) = column.result, parts.count != sets[column.set].labels.count {
                fail("\(column.title) returned \(parts.count) parts for \(sets[column.set].labels.count) recipients")
            }
        }
    }

    // MARK: - :check

    /// A property a payout rule should keep, checked on one input and its result.
    enum Violation: Equatable {
        case reverted(String)
        case wrongCount(Int)
        case negative(Int)
        case sum(Int128)
        case monotone(Int, Int)
        case cap(Int)

        /// Which property (shrinking keeps the property, not the exact details).
        var property: String {
            switch self {
            case .reverted: "runs without reverting"
            case .wrongCount: "one part per recipient"
            case .negative: "no negative payout"
            case .sum: "parts sum to the pool"
            case .monotone: "a larger weight never gets less"
            case .cap: "caps respected"
            }
        }
    }

    /// The first property `parts` breaks for `input` (nil when it keeps them all). The weight column is the first
    /// column; a column whose name contains `cap` holds caps; weights are compared only between recipients whose
    /// other columns are equal.
    static func violation(_ formula: Formula, _ input: PayoutInput, _ result: Result<[Int128], PayoutFailure>) -> Violation? {
        let parts: [Int128]
        switch result {
        case .failure(let failure): return .reverted(failure.message)
        case .success(let p): parts = p
        }
        let n = input.count
        guard parts.count == n else { return .wrongCount(parts.count) }
        if let i = parts.firstIndex(where: { $0 < 0 }) { return .negative(i) }
        let caps = formula.columns.first { $0.lowercased().contains("cap") }
        let sum = parts.reduce(Int128(0), &+)
        if caps == nil ? sum != input.pool : sum > input.pool { return .sum(sum) }
        if let weight = formula.columns.first(where: { $0 != caps }), let w = input.columns[weight] {
            let others = formula.columns.filter { $0 != weight && $0 != caps }
            for i in 0..<n {
                for j in 0..<n where w[i] > w[j] && parts[i] < parts[j] {
                    if others.allSatisfy({ input.columns[$0]?[i] == input.columns[$0]?[j] }) { return .monotone(i, j) }
                }
            }
        }
        if let caps, let c = input.columns[caps], let i = (0..<n).first(where: { parts[$0] > c[$0] }) { return .cap(i) }
        return nil
    }

    /// The deterministic source of generated inputs (Bytecode's SplitMix64, seeded by `:check`).
    struct Generator {
        var base: SplitMix64
        init(state: UInt64) { base = SplitMix64(state: state) }
        mutating func next() -> UInt64 { base.next() }
        /// A value in `0...bound`.
        mutating func upTo(_ bound: UInt64) -> Int128 {
            bound == UInt64.max ? Int128(next()) : Int128(next() % (bound + 1))
        }
    }

    /// A generated input: 1 to 8 recipients, weights up to 1000 (often equal or zero), a pool up to 10^6 (often
    /// small), caps up to the pool.
    static func generate(_ formula: Formula, _ g: inout Generator) -> PayoutInput {
        let n = Int(g.upTo(7)) + 1
        let pool: Int128 = g.upTo(3) == 0 ? g.upTo(20) : g.upTo(1_000_000)
        var columns: [String: [Int128]] = [:]
        for c in formula.columns {
            let isCap = c.lowercased().contains("cap")
            columns[c] = (0..<n).map { _ in
                if isCap { return g.upTo(UInt64(clamping: max(0, pool))) }
                switch g.upTo(4) {
                case 0: return 0
                case 1: return 1
                default: return g.upTo(1000)
                }
            }
        }
        return PayoutInput(pool: pool, columns: columns)
    }

    /// Smaller inputs than `input`: a recipient fewer, a smaller pool, smaller values.
    static func shrinks(_ input: PayoutInput) -> [PayoutInput] {
        var out: [PayoutInput] = []
        let n = input.count
        if n > 1 {
            for i in 0..<n {
                var smaller = input
                for key in smaller.columns.keys.sorted() { smaller.columns[key]?.remove(at: i) }
                out.append(smaller)
            }
        }
        for p in [0, input.pool / 2, input.pool &- 1] where p >= 0 && p < input.pool {
            var smaller = input
            smaller.pool = p
            out.append(smaller)
        }
        for key in input.columns.keys.sorted() {
            // A whole column scaled down keeps its order, which single-value shrinks often break.
            let values = input.columns[key] ?? []
            if let low = values.min(), low > 0 {
                var shifted = input
                shifted.columns[key] = values.map { $0 &- low }
                out.append(shifted)
            }
            if values.contains(where: { $0 > 1 }) {
                var halved = input
                halved.columns[key] = values.map { $0 / 2 }
                out.append(halved)
            }
            for i in 0..<n {
                let v = input.columns[key]?[i] ?? 0
                for candidate in [0, v / 2, v &- 1] where candidate >= 0 && candidate < v {
                    var smaller = input
                    smaller.columns[key]?[i] = candidate
                    out.append(smaller)
                }
            }
        }
        return out
    }

    func check(_ text: String) {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var cases = 200
        var name: String?
        while !words.isEmpty {
            let w = words.removeFirst()
            if w == "--cases" {
                guard let n = words.first.flatMap({ Int($0) }), n >= 1, n <= 100_000 else {
                    return fail("--cases needs a number from 1 to 100000")
                }
                words.removeFirst()
                cases = n
            } else if w.hasPrefix("--") {
                return fail("unknown option '\(w)' (':help' shows :check's options)")
            } else if name == nil {
                name = w
            } else {
                return fail(":check takes one formula")
            }
        }
        guard let name else { return fail(":check needs a formula, e.g. ':check pro_rata'") }
        guard let formula = formula(name) else { return }
        guard !formula.columns.isEmpty else { return fail("'\(name)' takes no input columns to vary") }
        withFormulas([formula]) { evaluate in
            var g = Generator(state: 0x5EED_DA7A)
            for index in 1...cases {
                let input = Self.generate(formula, &g)
                guard let found = Self.violation(formula, input, evaluate(formula, input).0) else { continue }
                // Shrink: take any smaller input that still breaks the same property, until none does.
                var smallest = input
                var violation = found
                var budget = 2000
                var improved = true
                while improved && budget > 0 {
                    improved = false
                    for candidate in Self.shrinks(smallest) {
                        budget -= 1
                        if budget <= 0 { break }
                        if let v = Self.violation(formula, candidate, evaluate(formula, candidate).0),
                            v.property == found.property
                        {
                            smallest = candidate
                            violation = v
                            improved = true
                            break
                        }
                    }
                }
                let result = evaluate(formula, smallest).0
                fail("\(name) breaks \"\(violation.property)\" (case \(index) of \(cases)); smallest input found:")
                say("  pool \(smallest.pool), " + formula.columns.map { c in
                    "\(c) [" + (smallest.columns[c] ?? []).map(String.init).joined(separator: ", ") + "]"
                }.joined(separator: ", "))
                switch result {
                case .success(let parts):
                    var line = "  parts [" + parts.map(String.init).joined(separator: ", ") + "]"
                    line += ", sum \(parts.reduce(Int128(0), &+))"
                    switch violation {
                    case .negative(let i): line += "; part \(i + 1) is negative"
                    case .monotone(let i, let j): line += "; recipient \(i + 1) has more weight than \(j + 1) but gets less"
                    case .cap(let i): line += "; part \(i + 1) is over its cap"
                    case .wrongCount(let c): line += "; \(c) parts for \(smallest.count) recipients"
                    default: break
                    }
                    say(line)
                case .failure(let failure): say("  " + failure.message)
                }
                return
            }
            say("\(name): \(cases) generated inputs keep every property: parts sum to the pool, no negative payout,"
                + " a larger weight never gets less" + (formula.columns.contains { $0.lowercased().contains("cap") } ? ", caps respected" : ""))
        }
    }
}
