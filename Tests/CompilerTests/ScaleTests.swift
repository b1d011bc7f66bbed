import Compiler
import Diagnostics
import Testing

/// A contract of roughly `functions * 10` lines in the shape of the compile-speed benchmark.
func generatedContract(functions: Int) -> String {
    var text = "contract Big\n\nstate total: Int\nstate shares: Map<Address, Int>\n\n"
    for index in 0..<functions {
        text += """
            pub fn f\(index)(who: Address, amount: Int) -> Int {
                require(amount > 0, "amount must be positive")
                var sum = 0
                for i in 0..amount {
                    sum += i * 2 + shares[who] % 7
                }
                if sum > 1_000 { sum = sum / 2 } else { sum -= 1 }
                total = total + sum
                return sum
            }

            """
    }
    return text
}

@Test func largeGeneratedContractParsesCleanly() {
    let text = generatedContract(functions: 5_000)
    let clock = ContinuousClock()
    var result: (SourceFileAST, [Diagnostic])?
    let elapsed = clock.measure { result = Parser.parse(SourceFile(path: "big.dn", text: text)) }
    #expect(result?.1.isEmpty == true)
    #expect(result?.0.declarations.count == 5_002)
    print("parsed \(text.utf8.count / 1024) KiB, 50k lines, in \(elapsed) (debug build)")
}
