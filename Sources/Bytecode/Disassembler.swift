/// Prints a module as assembly text that `Assembler` turns back into the same module
/// (`Assembler.assemble(Disassembler.text(of: m)) == m` for every module the codec accepts).
///
/// Every table is declared explicitly and in table order (`.type`, `.const`, ...) so duplicates and order
/// survive; operands print by name (or as a literal) when that name resolves back to the same entry, and
/// as a raw index `%N` otherwise. Jump targets get labels `L<offset>`, each instruction's offset follows as
/// a comment, and source positions print as `.loc` lines. Code that does not decode prints as `.bytes`.
public enum Disassembler {
    /// The assembly text of `m`.
    public static func text(of m: Module) -> String {
        var p = DisassemblyPrinter(m)
        return p.print()
    }

    /// Function `index` of `m` for a listing beside its source (`datanet disasm FILE.dn`): its header
    /// (`.fn kind name(types) -> types`) and each instruction with its offset, operands as in `text(of:)`
    /// (state variables, functions, events and constants by name or literal) but jump targets as the offsets
    /// they jump to. Nil when the code does not decode.
    public static func listing(of m: Module, function index: Int) -> (header: String, instructions: [(offset: Int, text: String)])? {
        guard index >= 0, index < m.functions.count, let insts = try? Instruction.decodeAll(m.functions[index].code)
        else { return nil }
        let p = DisassemblyPrinter(m)
        let f = m.functions[index]
        let header = ".fn \(f.kind.name) \(p.name(f.name))(\(f.params.map(p.typeRef).joined(separator: ", ")))"
            + p.results(f.results)
        return (header, insts.map { ($0.offset, p.instruction($0, f, nil)) })
    }
}

/// The state of one disassembly.
private struct DisassemblyPrinter {
    let m: Module
    var out = ""
    private var firstType: [TypeDesc: Int] = [:]
    private var firstConstant: [Constant: Int] = [:]
    private var typeText: [String] = []
    private let firstStruct: [String: Int]
    private let firstFunction: [String: Int]
    private let firstState: [String: Int]
    private let firstEvent: [String: Int]
    private let firstExtern: [String: Int]

    init(_ m: Module) {
        self.m = m
        func first(_ names: [String]) -> [String: Int] {
            var d: [String: Int] = [:]
            for (i, n) in names.enumerated() where d[n] == nil { d[n] = i }
            return d
        }
        for (i, t) in m.types.enumerated() where firstType[t] == nil { firstType[t] = i }
        for (i, c) in m.constants.enumerated() where firstConstant[c] == nil { firstConstant[c] = i }
        firstStruct = first(m.structs.map(\.name))
        firstFunction = first(m.functions.map(\.name))
        firstState = first(m.state.map(\.name))
        firstEvent = first(m.events.map(\.name))
        firstExtern = first(m.externs.map(\.name))
        computeTypeTexts()
    }

    mutating func print() -> String {
        line(".module \(name(m.name))")
        if !m.types.isEmpty { out += "\n" }
        for (j, t) in m.types.enumerated() { line(".type \(human(t, below: j))", comment: "%\(j)") }
        if !m.constants.isEmpty { out += "\n" }
        for (k, c) in m.constants.enumerated() {
            // only a string that is not UTF-8 has no literal, and the codec rejects such a module
            line(".const \(literal(c) ?? "\"\"")", comment: literal(c) == nil ? "%\(k), not representable" : "%\(k)")
        }
        if !m.structs.isEmpty { out += "\n" }
        for s in m.structs { line(".struct \(name(s.name))(\(fields(s.fields)))") }
        for f in m.state { line(".state \(name(f.name)): \(typeRef(f.type))") }
        for e in m.events { line(".event \(name(e.name))(\(fields(e.fields)))") }
        for x in m.externs {
            line(".extern \(x.isView ? "view " : "")\(name(x.name))(\(x.params.map(typeRef).joined(separator: ", ")))"
                + results(x.results))
        }
        let inline = sourceMapIsInline()
        if let map = m.sourceMap {
            out += "\n"
            line(".sourcemap")
            for f in map.files { line(".file \(quoted(f))") }
            if !inline {
                for e in map.entries {
                    line(".entry %\(e.function) \(e.offset) %\(e.file) \(e.line) \(e.column)")
                }
            }
        }
        for (i, f) in m.functions.enumerated() { function(i, f, inlineLocs: inline) }
        return out
    }

    // MARK: - Declarations

    private mutating func line(_ s: String, comment: String? = nil) {
        if let comment {
            out += s.padded(to: 36) + " ; " + comment + "\n"
        } else {
            out += s + "\n"
        }
    }

    fileprivate func name(_ s: String) -> String { isPlainIdentifier(s) ? s : quoted(s) }

    private func fields(_ fs: [Field]) -> String {
        fs.map { "\(name($0.name)): \(typeRef($0.type))" }.joined(separator: ", ")
    }

    fileprivate func results(_ rs: [UInt16]) -> String {
        switch rs.count {
        case 0: ""
        case 1: " -> \(typeRef(rs[0]))"
        default: " -> (\(rs.map(typeRef).joined(separator: ", ")))"
        }
    }

    // MARK: - Types

    /// How a use of type entry `j` prints: its spelled-out form when that resolves back to `j` and is short,
    /// else `%j`.
    fileprivate func typeRef(_ j: UInt16) -> String {
        Int(j) < typeText.count ? typeText[Int(j)] : "%\(j)"
    }

    /// The longest spelled-out type used in operands; longer ones print as `%N`. Types are trees of
    /// earlier entries, so spelling them out can grow exponentially (`map<map<…>, map<…>>`).
    private static let maxTypeText = 100

    /// `typeRef` for every entry, computed in table order (each spelling uses the earlier ones).
    private mutating func computeTypeTexts() {
        for (j, t) in m.types.enumerated() {
            var text = "%\(j)"
            if firstType[t] == j {
                let spelled = human(t, below: j)
                if spelled.unicodeScalars.count <= DisassemblyPrinter.maxTypeText { text = spelled }
            }
            typeText.append(text)
        }
    }

    /// `t` spelled out; parts at indices `>= below` print as `%N` (they are not declared yet when entry
    /// `below` is, and spelling them out could recurse forever in a malformed table).
    private func human(_ t: TypeDesc, below: Int) -> String {
        func part(_ c: UInt16) -> String { Int(c) < below ? typeRef(c) : "%\(c)" }
        switch t {
        case .int, .dec, .bool, .address, .hash, .string, .bytes: return t.kindName
        case .list(let e): return "list<\(part(e))>"
        case .map(let k, let v): return "map<\(part(k)), \(part(v))>"
        case .structure(let s):
            let i = Int(s)
            if i < m.structs.count, case let n = m.structs[i].name, isPlainIdentifier(n), !typeKeywords.contains(n),
                firstStruct[n] == i
            {
                return n
            }
            return "struct(\(s))"
        }
    }

    // MARK: - Literals

    private func literal(_ c: Constant) -> String? {
        switch c {
        case .int(let v): return String(v)
        case .dec(let v): return decText(v)
        case .string(let raw):
            guard let s = ByteReader.utf8String(raw) else { return nil }
            return quoted(s)
        case .bytes(let raw): return "x\"\(Hex.encode(raw))\""
        case .address(let raw): return raw.count == 32 ? "@0x\(Hex.encode(raw))" : nil
        case .hash(let raw): return raw.count == 32 ? "#0x\(Hex.encode(raw))" : nil
        }
    }

    private func decText(_ v: Int128) -> String {
        let mag = v.magnitude
        let scale = UInt128(decScale)
        var frac = String(mag % scale)
        frac = String(repeating: "0", count: max(0, 18 - frac.count)) + frac
        while frac.count > 1, frac.hasSuffix("0") { frac.removeLast() }
        return (v < 0 ? "-" : "") + String(mag / scale) + "." + frac + "d"
    }


    // MARK: - Functions

    private func sourceMapIsInline() -> Bool {
        guard let map = m.sourceMap else { return true }
        var previous: (Int, Int) = (0, 0)
        var boundaries: [Int: Set<Int>] = [:]
        for e in map.entries {
            let f = Int(e.function), o = Int(e.offset)
            guard f < m.functions.count, Int(e.file) < map.files.count, (f, o) >= previous else { return false }
            previous = (f, o)
            if boundaries[f] == nil {
                guard let insts = try? Instruction.decodeAll(m.functions[f].code) else { return false }
                boundaries[f] = Set(insts.map(\.offset) + [m.functions[f].code.count])
            }
            guard boundaries[f]?.contains(o) == true else { return false }
        }
        return true
    }

    private mutating func function(_ index: Int, _ f: Function, inlineLocs: Bool) {
        out += "\n"
        let params = f.params.enumerated().map { "p\($0.offset): \(typeRef($0.element))" }.joined(separator: ", ")
        line(".fn \(f.kind.name) \(name(f.name))(\(params))\(results(f.results))", comment: "function %\(index)")
        for (k, t) in f.locals.enumerated() { line("    .local l\(f.params.count + k): \(typeRef(t))") }
        line("    .maxstack \(f.maxStack)")

        var locs: [Int: [SourceMapEntry]] = [:]
        if inlineLocs, let map = m.sourceMap {
            for e in map.entries where Int(e.function) == index { locs[Int(e.offset), default: []].append(e) }
        }
        // decode as far as possible; the rest prints as raw bytes
        var insts: [Instruction] = []
        var failure: InstructionDecodingError?
        var rest = 0
        while rest < f.code.count {
            do {
                let inst = try Instruction.decode(f.code, at: rest)
                insts.append(inst)
                rest += inst.size
            } catch {
                failure = error
                break
            }
        }
        var starts = Set(insts.map(\.offset))
        starts.insert(rest)
        starts.insert(f.code.count)
        var labels: Set<Int> = []
        for inst in insts where inst.opcode.info.flags.contains(.branch) {
            if let t = inst.immediates.first, let target = Int(exactly: t), starts.contains(target) {
                labels.insert(target)
            }
        }
        func marks(_ offset: Int) {
            if labels.contains(offset) { line("L\(offset):") }
            for e in locs[offset] ?? [] { line("    .loc \(fileRef(e.file)) \(e.line) \(e.column)") }
        }
        for inst in insts {
            marks(inst.offset)
            line("    " + instruction(inst, f, labels), comment: String(inst.offset))
        }
        if let failure {
            marks(rest)
            line("    ; \(failure)")
            var offset = rest
            while offset < f.code.count {
                let end = min(offset + 32, f.code.count)
                line("    .bytes x\"\(Hex.encode(Array(f.code[offset..<end])))\"", comment: String(offset))
                offset = end
            }
        }
        marks(f.code.count)
    }

    private func fileRef(_ i: UInt16) -> String {
        guard let files = m.sourceMap?.files, Int(i) < files.count, files.firstIndex(of: files[Int(i)]) == Int(i)
        else { return "%\(i)" }
        return quoted(files[Int(i)])
    }

    /// `labels` nil: jump targets print as plain offsets (a listing without labels).
    fileprivate func instruction(_ inst: Instruction, _ f: Function, _ labels: Set<Int>?) -> String {
        let info = inst.opcode.info
        var parts = [info.mnemonic]
        for (role, imm) in zip(info.roles, inst.immediates) {
            parts.append(operand(role, imm, f, labels))
        }
        return parts.joined(separator: " ")
    }

    private func operand(_ role: ImmediateRole, _ imm: Int64, _ f: Function, _ labels: Set<Int>?) -> String {
        let i = Int(truncatingIfNeeded: imm)
        func ref(_ names: [String], _ first: [String: Int]) -> String {
            guard i >= 0, i < names.count, isPlainIdentifier(names[i]), first[names[i]] == i else { return "%\(imm)" }
            return names[i]
        }
        switch role {
        case .value, .count, .field:
            return String(imm)
        case .constant:
            guard i >= 0, i < m.constants.count, firstConstant[m.constants[i]] == i, let lit = literal(m.constants[i])
            else { return "%\(imm)" }
            return lit
        case .local:
            guard i >= 0, i < f.localCount else { return String(imm) }
            return i < f.params.count ? "p\(i)" : "l\(i)"
        case .target:
            guard let labels else { return String(imm) }
            return labels.contains(i) ? "L\(i)" : "%\(imm)"
        case .type:
            return typeRef(UInt16(truncatingIfNeeded: imm))
        case .function: return ref(m.functions.map(\.name), firstFunction)
        case .structure: return ref(m.structs.map(\.name), firstStruct)
        case .stateVar: return ref(m.state.map(\.name), firstState)
        case .event: return ref(m.events.map(\.name), firstEvent)
        case .extern: return ref(m.externs.map(\.name), firstExtern)
        }
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String {
        let n = unicodeScalars.count
        return n >= width ? self : self + String(repeating: " ", count: width - n)
    }
}
