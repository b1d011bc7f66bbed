@testable import Bytecode

/// Random, codec-valid modules: every table filled, names full of awkward characters, duplicates, code that
/// decodes (with jumps to instruction starts and elsewhere) or does not, and source maps regular or not.
struct RandomModules {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    private static let pieces = ["a", "b", "Zz", "_", "x", "7", " ", "\"", "\\", "\n", "\t", "é", "\u{0}", "😀",
        "%", ";", "int", "list", "p0", "struct", "view", "-", ".", "\u{7F}", "\u{2028}", "日本"]

    mutating func name() -> String {
        if chance(50) { return ["alpha", "beta", "gamma", "f", "x", "Point"][int(0...5)] }
        return (0..<int(0...4)).map { _ in RandomModules.pieces[int(0...RandomModules.pieces.count - 1)] }.joined()
    }

    mutating func int128() -> Int128 {
        switch int(0...3) {
        case 0: Int128(int(-3...3))
        case 1: Int128.max
        case 2: Int128.min
        default: Int128(bitPattern: UInt128(rng.next()) << 64 | UInt128(rng.next())) >> int(0...127)
        }
    }

    mutating func typeIndex(_ m: Module) -> UInt16 {
        if m.types.isEmpty || chance(3) { return UInt16(int(0...300)) }
        return UInt16(int(0...m.types.count - 1))
    }

    mutating func module() -> Module {
        var m = Module(name: name())
        for j in 0..<int(0...10) {
            let below = max(j - 1, 0)
            switch int(0...12) {
            case 0...6: m.types.append([TypeDesc.int, .dec, .bool, .address, .hash, .string, .bytes][int(0...6)])
            case 7, 8: m.types.append(.list(elem: UInt16(chance(90) ? int(0...below) : int(0...20))))
            case 9, 10:
                m.types.append(.map(key: UInt16(int(0...below)), value: UInt16(chance(90) ? int(0...below) : j)))
            default: m.types.append(.structure(UInt16(int(0...4))))
            }
        }
        for _ in 0..<int(0...8) {
            switch int(0...5) {
            case 0: m.constants.append(.int(int128()))
            case 1: m.constants.append(.dec(int128()))
            case 2: m.constants.append(.string(Array(name().utf8)))
            case 3: m.constants.append(.bytes(bytes(int(0...5))))
            case 4: m.constants.append(.address(bytes(32)))
            default: m.constants.append(.hash(bytes(32)))
            }
            if chance(20), let c = m.constants.last { m.constants.append(c) }
        }
        for _ in 0..<int(0...4) { m.structs.append(StructDecl(name: name(), fields: fields(m))) }
        m.state = fields(m)
        for _ in 0..<int(0...3) { m.events.append(EventDecl(name: name(), fields: fields(m))) }
        for _ in 0..<int(0...3) {
            m.externs.append(
                ExternDecl(name: name(), params: indices(m), results: indices(m), isView: chance(50)))
        }
        for _ in 0..<int(0...4) { m.functions.append(function(m)) }
        if chance(50) { m.sourceMap = sourceMap(m) }
        return m
    }

    mutating func fields(_ m: Module) -> [Field] {
        (0..<int(0...3)).map { _ in Field(name: name(), type: typeIndex(m)) }
    }

    mutating func indices(_ m: Module) -> [UInt16] { (0..<int(0...3)).map { _ in typeIndex(m) } }

    mutating func function(_ m: Module) -> Function {
        var f = Function(
            name: name(), kind: FunctionKind.allCases[int(0...4)], params: indices(m), results: indices(m),
            locals: indices(m), maxStack: UInt16(int(0...Limits.maxFunctionStack)), code: [])
        if chance(10) {
            f.code = bytes(int(0...40))
            return f
        }
        var insts: [Instruction] = []
        var offset = 0
        for _ in 0..<int(0...30) {
            let op = chance(15)
                ? [Opcode.jump, .jumpIf, .jumpUnless][int(0...2)] : Opcode.allCases[int(0...Opcode.allCases.count - 1)]
            insts.append(Instruction(offset: offset, opcode: op))
            offset += op.info.size
        }
        let starts = insts.map(\.offset) + [offset]
        for k in insts.indices {
            let info = insts[k].opcode.info
            insts[k].immediates = zip(info.immediates, info.roles).map { kind, role in
                switch (kind, role) {
                case (_, .target): chance(85) ? Int64(starts[int(0...starts.count - 1)]) : Int64(int(0...1000))
                case (.i64, _): Int64(bitPattern: rng.next()) >> int(0...63)
                case (.u16, .constant):
                    Int64(chance(90) && !m.constants.isEmpty ? int(0...m.constants.count - 1) : int(0...9))
                case (.u16, .local): Int64(int(0...f.localCount + 1))
                case (.u16, .type): Int64(typeIndex(m))
                case (.u16, _): Int64(chance(10) ? int(0...65535) : int(0...5))
                default: Int64(int(0...70000))
                }
            }
        }
        for inst in insts { inst.encode(into: &f.code) }
        return f
    }

    mutating func sourceMap(_ m: Module) -> SourceMap {
        let files = (0..<int(0...3)).map { _ in name() }
        var entries: [SourceMapEntry] = []
        let regular = chance(60)
        for (fi, f) in m.functions.enumerated() {
            guard regular, !files.isEmpty, let insts = try? Instruction.decodeAll(f.code) else { continue }
            for o in insts.map(\.offset) + [f.code.count] where chance(40) {
                for _ in 0..<int(1...2) {
                    entries.append(
                        SourceMapEntry(
                            function: UInt16(fi), offset: UInt32(o), file: UInt16(int(0...files.count - 1)),
                            line: UInt32(int(1...500)), column: UInt32(int(0...80))))
                }
            }
        }
        if !regular {
            for _ in 0..<int(0...5) {
                entries.append(
                    SourceMapEntry(
                        function: UInt16(int(0...5)), offset: UInt32(int(0...100)), file: UInt16(int(0...4)),
                        line: UInt32(int(0...100_000)), column: UInt32(int(0...100))))
            }
        }
        return SourceMap(files: files, entries: entries)
    }
}
