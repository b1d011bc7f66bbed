// `:state`, `:gas` and `:trace`: looking into a loaded contract's storage and into the last call.
import Bytecode
import Chain
import Compiler
import Diagnostics
import Foundation
import StateStore
import VM

extension ReplSession {
    // MARK: - :state

    /// A loaded contract's state variables; maps and lists with their entries (storage layout in
    /// Sources/VM/Machine+Storage.swift).
    func state(_ text: String) {
        let handle = text.trimmingCharacters(in: .whitespaces)
        guard let contract = contracts.last(where: { $0.handle == handle }) ?? contract(named: handle) else {
            var message = "no loaded contract '\(handle)'"
            if let s = EditDistance.suggestion(for: handle, among: contracts.map(\.handle)) {
                message += "; did you mean '\(s)'?"
            }
            return fail(contracts.isEmpty ? message + " (':load FILE' first)" : message)
        }
        let module = (try? chain.chain.module(at: contract.address)) ?? contract.module
        let entries: [Entry]
        do { entries = try chain.chain.store.scan(prefix: StateLayout.storagePrefix(contract.address)) } catch {
            return fail("cannot read the contract's storage: \(error)")
        }
        let base = StateLayout.storagePrefix(contract.address).count
        say("\(contract.handle): \(module.name) at @0x\(Hex.encode(contract.address)), balance "
            + "\((try? chain.balance(of: contract.address)) ?? 0)")
        if module.state.isEmpty { say("  (no state variables)") }
        for (index, variable) in module.state.enumerated() {
            let prefix = [UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)]
            let type = module.types[Int(variable.type)]
            let typeName = TypeNames.name(type, in: module)
            let mine = entries.filter { Array($0.key.dropFirst(base).prefix(2)) == prefix }
            let whole = mine.first { $0.key.count == base + 2 }
            switch type {
            case .map(let k, let v):
                say("  \(variable.name): \(typeName) (\(mine.count) \(mine.count == 1 ? "entry" : "entries"))")
                for entry in mine {
                    let keyBytes = Array(entry.key.dropFirst(base + 2))
                    guard let key = KeyEncoding.decode(keyBytes, as: module.types[Int(k)]),
                        let value = try? ValueCodec.decode(entry.value, as: module.types[Int(v)], in: module)
                    else { continue }
                    let valueType = TypeNames.name(module.types[Int(v)], in: module)
                    say("    \(describe(key)): \(describe(value, typeName: valueType, module: module))")
                }
            case .list(let e):
                let length = whole.flatMap { try? ValueCodec.decode($0.value, as: .int, in: module) } ?? .int(0)
                var items: [String] = []
                for entry in mine where entry.key.count > base + 2 {
                    if let value = try? ValueCodec.decode(entry.value, as: module.types[Int(e)], in: module) {
                        items.append(describe(value, typeName: TypeNames.name(module.types[Int(e)], in: module), module: module))
                    }
                }
                say("  \(variable.name): \(typeName) = [" + items.joined(separator: ", ") + "]  (length \(TypeNames.literal(length)))")
            default:
                var value = zeroValue(of: type, in: module)
                if let whole, let stored = try? ValueCodec.decode(whole.value, as: type, in: module) { value = stored }
                let shown = describe(value, typeName: typeName, module: module)
                say("  \(variable.name): \(typeName) = \(shown)")
            }
        }
    }

    // MARK: - Tracing the last input

    /// Runs the last input again, traced, on the chain as it was before it; the chain is left as it is now.
    func traceLast() -> (steps: [TraceStep], truncated: Bool, result: Chain.QueryResult, run: LastRun)? {
        guard let last, let before = last.before else {
            fail("nothing has run yet: type an expression or call a contract first")
            return nil
        }
        let now = chain.snapshot()
        defer { rollback(now) }
        rollback(before)
        do {
            var address = last.contract ?? []
            if last.contract == nil {
                guard case .success(let receipt) = try chain.deploy(last.module, args: [], from: last.caller),
                    receipt.status == .success
                else {
                    fail("cannot run the last input again")
                    return nil
                }
                address = receipt.contract
            }
            var tracer = RecordingTracer(limit: 1_000_000)
            let result = try chain.chain.simulate(
                address, function: last.function, args: last.args, caller: try chain.address(of: last.caller),
                gasLimit: Self.gasLimit, tracer: &tracer)
            return (tracer.steps, tracer.truncated, result, last)
        } catch {
            fail("chain failure: \(error)")
            return nil
        }
    }

    /// Where step `step` of `run` is in the source: `place` for display and the text of the line.
    func sourceLine(_ step: TraceStep, _ run: LastRun) -> (place: String, text: String)? {
        guard let position = run.module.sourceMap?.position(function: step.function, offset: step.offset) else {
            return nil
        }
        if position.file == SyntheticSource.replPath, let source = run.source {
            guard let found = source.location(line: position.line, column: position.column) else {
                return ("(generated)", "")
            }
            let file = found.file
            let line = file.lineIndex(of: found.offset)
            let range = file.lineRange(line)
            return ("\(file.path):\(line + 1)", String(decoding: file.bytes[range], as: UTF8.self))
        }
        // A loaded contract's file (names are relative to it), a standard library file, or a path as recorded.
        let main = contracts.first { $0.module == run.module }?.path ?? ""
        let file = LibraryResolver(stdlibDirectory: stdlibDirectory).file(ofSourceMapName: position.file, main: main)
        var text = ""
        if let file, position.line >= 1, position.line <= file.lineCount {
            text = String(decoding: file.bytes[file.lineRange(position.line - 1)], as: UTF8.self)
        }
        return ("\(position.file):\(position.line)", text)
    }

    /// Gas charged by each step: the drop in gas left to the next step (the last step: to the end of the run).
    static func stepGas(_ steps: [TraceStep], result: Chain.QueryResult) -> [Int64] {
        guard let first = steps.first else { return [] }
        let end = first.gasLeft &- result.gasUsed
        return steps.indices.map { i in steps[i].gasLeft &- (i + 1 < steps.count ? steps[i + 1].gasLeft : end) }
    }

    func functionName(_ index: Int, _ module: Module) -> String {
        guard index < module.functions.count else { return "?" }
        let name = module.functions[index].name
        return name == "__input" ? "(the input)" : name
    }

    // MARK: - :gas

    func gasCommand() {
        guard let (steps, truncated, result, run) = traceLast() else { return }
        let costs = Self.stepGas(steps, result: result)
        var byFunction: [Int: Int64] = [:]
        var byLine: [String: Int64] = [:]
        var lineOrder: [String] = []
        var lineText: [String: String] = [:]
        for (step, cost) in zip(steps, costs) {
            byFunction[step.function, default: 0] += cost
            let place = sourceLine(step, run) ?? ("(no source)", "")
            if byLine[place.place] == nil {
                lineOrder.append(place.place)
                lineText[place.place] = place.text
            }
            byLine[place.place, default: 0] += cost
        }
        say("gas \(result.gasUsed) in \(steps.count) instructions" + (truncated ? " (trace truncated)" : ""))
        say("by function:")
        let functions = byFunction.keys.sorted { (byFunction[$0] ?? 0, $1) > (byFunction[$1] ?? 0, $0) }
        for line in Self.grid(header: ["function", "gas"], rows: functions.map {
            [functionName($0, run.module), String(byFunction[$0] ?? 0)]
        }, rightAligned: [1]) {
            say("  " + line)
        }
        say("by source line:")
        for line in Self.grid(header: ["line", "gas", "source"], rows: lineOrder.map {
            [$0, String(byLine[$0] ?? 0), (lineText[$0] ?? "").trimmingCharacters(in: .whitespaces)]
        }, rightAligned: [1]) {
            say("  " + line)
        }
        let untraced = result.gasUsed - costs.reduce(0, +)
        if untraced != 0 { say("(\(untraced) gas outside the traced instructions)") }
    }

    // MARK: - :trace

    static let traceShown = 400

    func traceCommand() {
        guard let (steps, truncated, result, run) = traceLast() else { return }
        let costs = Self.stepGas(steps, result: result)
        var lastPlace = ""
        for (i, (step, cost)) in zip(steps, costs).enumerated() {
            if i == Self.traceShown {
                say("... \(steps.count - i) more instructions (':gas' sums them all)")
                break
            }
            if let place = sourceLine(step, run), place.place != lastPlace {
                lastPlace = place.place
                say("\(place.place)  \(place.text.trimmingCharacters(in: .whitespaces))")
            }
            let indent = String(repeating: "  ", count: step.depth)
            let top = step.stackTop.map { "  top=\($0)" } ?? ""
            say("    \(indent)\(functionName(step.function, run.module))+\(step.offset)  \(step.opcode.info.mnemonic)"
                + "  gas \(cost)\(top)")
        }
        switch result.outcome {
        case .success(let values):
            say("returned " + (values.isEmpty ? "nothing" : values.map { describe($0) }.joined(separator: ", "))
                + ", gas \(result.gasUsed)" + (truncated ? " (trace truncated)" : ""))
        case .failure(let trap):
            say("reverted: \"\(trap.message)\", gas \(result.gasUsed)")
        }
    }
}
