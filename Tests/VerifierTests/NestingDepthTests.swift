import Bytecode
import Testing
import Verifier

@Test func typesNestedDeeperThanTheLimitAreRejected() {
    // list<list<...<int>...>> with the limit's depth is fine; one more level is not.
    func module(depth: Int) -> Module {
        var types: [TypeDesc] = [.int]
        for i in 1..<depth { types.append(.list(elem: UInt16(i - 1))) }
        return Module(name: "deep", types: types, state: [Field(name: "x", type: UInt16(types.count - 1))])
    }
    #expect(throws: Never.self) { _ = try Verifier.verify(module(depth: Limits.maxTypeDepth)) }
    #expect {
        _ = try Verifier.verify(module(depth: Limits.maxTypeDepth + 1))
    } throws: { error in
        (error as? VerificationError)?.message.contains("more than \(Limits.maxTypeDepth) deep") == true
    }
}

@Test func structsNestedThroughEachOtherCountTowardTheDepth() {
    // S0 { a: int }, S1 { a: S0 }, ... each struct wraps the previous one.
    var types: [TypeDesc] = [.int]
    var structs: [StructDecl] = [StructDecl(name: "S0", fields: [Field(name: "a", type: 0)])]
    for i in 1...Limits.maxTypeDepth {
        types.append(.structure(UInt16(i - 1)))
        structs.append(StructDecl(name: "S\(i)", fields: [Field(name: "a", type: UInt16(types.count - 1))]))
    }
    let m = Module(name: "nested", types: types, structs: structs)
    #expect {
        _ = try Verifier.verify(m)
    } throws: { error in
        (error as? VerificationError)?.message.contains("deep") == true
    }
}
