import Testing

@testable import Bytecode

@Suite struct AssemblerTests {
    @Test func assemblesEveryKindOfDeclaration() throws {
        let source = """
            ; every table
            .module Shop
            .struct Item(name: string, price: dec, tags: list<string>)
            .state owner: address
            .state items: map<int, Item>
            .event Sold(item: int, buyer: address)
            .extern view price_of(int) -> dec
            .extern pay(address, int) -> (bool, int)

            .fn public buy(id: int) -> Item
                .local it: Item
                .loc contracts/shop.dn 10 5
                local_get id
                smap_get items
                local_tee it
                struct_get Item.price
                push_const 1.5d
                gt_dec
                jump_unless ok
                push_const "too expensive"
                revert
            ok:
                .loc "contracts/shop.dn" 12 5
                local_get id
                caller
                emit Sold
                local_get it
                ret

            .fn view hashes() -> (hash, address, bytes, int)
                push_const #0x00000000000000000000000000000000000000000000000000000000000000ff
                push_const @0x0101010101010101010101010101010101010101010101010101010101010101
                push_const x"0a0B"
                push_const 123456789012345678901234567890
                ret

            .fn init init()
                .maxstack 7
                caller
                sstore owner
                ret
            """
        let m = try Assembler.assemble(source)
        #expect(m.name == "Shop")
        #expect(m.structs.map(\.name) == ["Item"])
        #expect(m.state.map(\.name) == ["owner", "items"])
        #expect(m.externs.map(\.isView) == [true, false])
        #expect(m.externs[1].results.map { m.types[Int($0)] } == [.bool, .int])
        #expect(m.functions.map(\.kind) == [.public, .view, .`init`])
        #expect(m.functions[2].maxStack == 7)
        #expect(m.functions[0].maxStack == 2)
        #expect(m.functions[1].maxStack == 4)
        #expect(m.functions[0].locals.map { m.types[Int($0)] } == [.structure(0)])
        #expect(m.constants.contains(.dec(15 * decScale / 10)))
        #expect(m.constants.contains(.int(123_456_789_012_345_678_901_234_567_890)))
        #expect(m.constants.contains(.bytes([0x0A, 0x0B])))
        #expect(m.sourceMap?.files == ["contracts/shop.dn"])
        #expect(m.sourceMap?.entries.map(\.line) == [10, 12])
        let insts = try Instruction.decodeAll(m.functions[0].code)
        #expect(insts.first?.opcode == .localGet)
        let jump = try #require(insts.first { $0.opcode == .jumpUnless })
        let target = try #require(insts.first { $0.opcode == .caller })
        #expect(jump.immediates == [Int64(target.offset - 3)])  // `ok:` is at `local_get id`
        #expect(try ModuleCodec.decode(ModuleCodec.encode(m)) == m)
    }

    @Test func acceptsWindowsLineEndings() throws {
        let m = try Assembler.assemble(".module m\r\n.fn public f() -> int\r\n    push_int 1\r\n    ret\r\n")
        #expect(m.functions[0].code == [Opcode.pushInt.rawValue, 1, 0, 0, 0, 0, 0, 0, 0, Opcode.ret.rawValue])
        #expect(m.functions[0].maxStack == 1)
    }

    @Test func internsTypesAndConstants() throws {
        let m = try Assembler.assemble(
            """
            .module t
            .fn public f(a: list<int>, b: list<int>) -> int
                push_const 5000000000000000000000
                push_const 5000000000000000000000
                pop
                ret
            """)
        #expect(m.types == [.int, .list(elem: 0)])
        #expect(m.constants == [.int(5_000_000_000_000_000_000_000)])
        #expect(m.functions[0].params == [1, 1])
    }

    func error(_ source: String) -> AssemblyError? {
        do {
            _ = try Assembler.assemble(source, fileName: "t.dna")
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownMnemonicSuggestsTheClosest() throws {
        let e = try #require(error(".module m\n.fn public f()\n    ad_int\n"))
        #expect(e.line == 3 && e.column == 5)
        #expect(e.message == "unknown mnemonic 'ad_int'; did you mean 'add_int'?")
        #expect(e.description == "t.dna:3:5: error: unknown mnemonic 'ad_int'; did you mean 'add_int'?")
    }

    @Test func errorsCarryLineAndColumn() throws {
        let cases: [(String, Int, Int, String)] = [
            (".fn public f()\n  jump nowhere", 2, 8, "unknown label 'nowhere'"),
            (".fn public f()\n  local_get y", 2, 13, "unknown local 'y'"),
            (".fn public f(x: int)\n  local_get xx", 2, 13, "unknown local 'xx'; did you mean 'x'?"),
            (".fn public f()\n  push_int", 2, 11, "'push_int' expects an integer"),
            (".fn public f()\n  push_int 1 2", 2, 14, "unexpected '2' at the end of the line"),
            (".fn public f()\n  push_int 99999999999999999999", 2, 12, "does not fit in a 64-bit immediate"),
            (".fn public f()\n  call g", 2, 8, "unknown function 'g'"),
            (".fn publik f()", 1, 5, "unknown function kind 'publik'; did you mean 'public'?"),
            (".state x: Foo", 1, 11, "unknown type 'Foo'"),
            (".struct S(a int)", 1, 13, "expected ':', found 'int'"),
            (".fnn public f()", 1, 1, "unknown directive '.fnn'; did you mean '.fn'?"),
            ("push_int 1", 1, 1, "outside a function"),
            (".local x: int", 1, 1, "'.local' outside a function"),
            (".const \"abc", 1, 8, "unterminated string literal"),
            (".const @0x12", 1, 8, "address literal needs exactly 64 hex digits"),
            (".const 1.5", 1, 8, "needs the 'd' suffix"),
            (".const 1.0000000000000000001d", 1, 8, "more than 18 decimals"),
            (".const 170141183460469231731687303715884105728", 1, 8, "does not fit in 128 bits"),
            (".fn public f()\nL:\nL:\n  ret", 3, 1, "label 'L' is defined twice"),
            (".fn public f()\n  list_new list<int", 2, 20, "expected '>'"),
            (".fn public f()\n  local_get 70000", 2, 13, "does not fit in 16 bits"),
            (".struct P(x: int)\n.fn public f()\n  struct_get P.y", 3, 14, "struct 'P' has no field 'y'"),
            (".fn public f()\n  struct_get Q.y", 2, 14, "unknown struct 'Q'"),
            (".fn public f()\n  struct_get Q", 2, 14, "expected a field index or 'Struct.field'"),
            (".module a\n.module b", 2, 9, "a second '.module'"),
            (".fn public f()\n  .maxstack 5000", 2, 13, "a stack size must be in 0...4096"),
            (".entry %70000 0 %0 1 1", 1, 8, "function index 70000 is out of range"),
            (".fn public f()\n  push_int 1 ; fine\n  $", 3, 3, "unexpected character '$'"),
        ]
        for (source, line, column, message) in cases {
            guard let e = error(source) else {
                Issue.record("accepted: \(source)")
                continue
            }
            #expect(e.line == line && e.column == column, "\(e) for \(source)")
            #expect(e.message.contains(message), "\(e) for \(source)")
        }
    }

    @Test func garbageNeverTraps() {
        var rng = SeededGenerator(seed: 12)
        let pieces = [".fn", ".module", ".type", ".const", ".struct", ".local", ".loc", ".bytes", ".entry", "public",
            "f", "(", ")", ":", ",", "<", ">", "->", "int", "list", "map", "%", "%3", "\"", "x\"", "@0x", "#0x",
            "-", "1", "1.5d", "push_const", "jump", "L", "L:", "\n", " ", ";", "\\", "struct", "é", "call",
            "list_lit", "99999999999999999999999999999999999999999"]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...25, using: &rng)).map { _ in
                pieces[Int.random(in: 0..<pieces.count, using: &rng)]
            }.joined(separator: Bool.random(using: &rng) ? " " : "")
            do {
                let m = try Assembler.assemble(text)
                _ = Disassembler.text(of: m)
                // whatever assembles, the codec accepts
                #expect((try? ModuleCodec.decode(ModuleCodec.encode(m))) == m)
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
    }

    @Test func mutatedDisassemblyNeverTraps() throws {
        var rng = SeededGenerator(seed: 13)
        var gen = RandomModules(seed: 14)
        let texts = try benchFiles().map { try String(contentsOf: $0, encoding: .utf8) }
            + (0..<10).map { _ in Disassembler.text(of: gen.module()) }
        for text in texts {
            let scalars = Array(text.unicodeScalars)
            let noise = Array("x\"%@#0:;(),<>-.\n 9_é".unicodeScalars)
            for _ in 0..<100 {
                var s = scalars
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !s.isEmpty {
                    let i = Int.random(in: 0..<s.count, using: &rng)
                    switch Int.random(in: 0...2, using: &rng) {
                    case 0: s.remove(at: i)
                    case 1: s.insert(noise[Int.random(in: 0..<noise.count, using: &rng)], at: i)
                    default: s[i] = noise[Int.random(in: 0..<noise.count, using: &rng)]
                    }
                }
                do {
                    let m = try Assembler.assemble(String(String.UnicodeScalarView(s)))
                    #expect((try? ModuleCodec.decode(ModuleCodec.encode(m))) == m)
                } catch {
                    #expect(error.line >= 1 && error.column >= 1)
                }
            }
        }
    }

    @Test func maxStackFollowsBranches() throws {
        let m = try Assembler.assemble(
            """
            .fn public f(c: bool) -> int
                local_get c
                jump_if deep
                push_int 1
                ret
            deep:
                push_int 1
                push_int 2
                push_int 3
                add_int
                add_int
                ret
            """)
        #expect(m.functions[0].maxStack == 3)
    }
}
