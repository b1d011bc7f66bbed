import Bytecode
import Chain
import Crypto
import Testing

@Suite struct EncodingTests {
    /// Runs of equal receipts share one encoding and one hash inside `Receipt.root` and `encodeList`: the
    /// results are those of encoding and hashing every receipt on its own.
    @Test func equalReceiptsInARowGiveTheSameListAndRootAsEachOnItsOwn() throws {
        let plain = Receipt(status: .success, gasUsed: 21_000)
        var other = plain
        other.gasUsed = 21_001
        var reverted = plain
        reverted.status = .reverted
        reverted.revertMessage = "no"
        let receipts = [plain, plain, plain, other, other, plain, reverted, reverted, plain]
        var preimage: [UInt8] = [UInt8(receipts.count)]
        for receipt in receipts { preimage += SHA256.hash(receipt.encoded) }
        #expect(Receipt.root(of: receipts) == SHA256.hash(preimage))
        #expect(try Receipt.decodeList(Receipt.encodeList(receipts)) == receipts)
        var listed: [UInt8] = [UInt8(receipts.count)]
        for receipt in receipts { listed += [UInt8(receipt.encoded.count)] + receipt.encoded }
        #expect(Receipt.encodeList(receipts) == listed)
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Bytes {
        var state: UInt64
        mutating func next() -> UInt8 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        mutating func array(_ count: Int) -> [UInt8] { (0..<count).map { _ in next() } }
    }

    @Test func blocksReceiptsAndRecordsRoundTrip() throws {
        let t = try TestChain()
        try BlockTests().buildHistory(t)
        var height: UInt64 = 0
        while height <= t.store.height {
            let block = try #require(try t.chain.block(at: height))
            #expect(try Block(decoding: block.encoded) == block)
            #expect(try Block.header(decoding: block.encoded) == block.header)
            let receipts = try t.chain.receipts(at: height)
            #expect(try Receipt.decodeList(Receipt.encodeList(receipts)) == receipts)
            height += 1
        }
        #expect(try t.chain.headHeader() == t.chain.head().header)
        #expect(throws: ChainError.malformed("block: unexpected end of input reading header version")) {
            try Block.header(decoding: [])
        }
        let genesis = try t.chain.genesis()
        #expect(try Genesis(decoding: genesis.encoded) == genesis)
        let record = ContractRecord(codeID: [UInt8](repeating: 7, count: 32), version: 3,
                                    authority: [UInt8](repeating: 9, count: 32), policy: .additive)
        #expect(try ContractRecord(decoding: record.encoded) == record)
        let account = Account(balance: 12_345, nonce: 6)
        #expect(try Account(decoding: account.encoded) == account)
    }

    /// Every prefix of a valid encoding, and random bytes, are refused with an error: never a trap.
    @Test func malformedInputIsRefusedNotTrapped() throws {
        let t = try TestChain()
        try BlockTests().buildHistory(t)
        let block = try #require(try t.chain.block(at: 4))
        let receipts = try t.chain.receipts(at: 4)
        let encodings: [[UInt8]] = [
            block.encoded, Receipt.encodeList(receipts), block.transactions[0].encoded, try t.chain.genesis().encoded,
        ]
        for length in 0..<encodings[0].count {
            #expect(throws: ChainError.self) { try Block(decoding: Array(encodings[0][..<length])) }
        }
        for bytes in encodings {
            for length in 0..<bytes.count {
                let prefix = Array(bytes[..<length])
                _ = try? Block(decoding: prefix)
                _ = try? Receipt.decodeList(prefix)
                _ = try? SignedTransaction(decoding: prefix)
                _ = try? Genesis(decoding: prefix)
            }
        }
        var random = Bytes(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<2_000 {
            let bytes = random.array(round % 200)
            _ = try? Block(decoding: bytes)
            _ = try? Receipt(decoding: bytes)
            _ = try? Receipt.decodeList(bytes)
            _ = try? SignedTransaction(decoding: bytes)
            _ = try? Genesis(decoding: bytes)
            _ = try? Account(decoding: bytes)
            _ = try? ContractRecord(decoding: bytes)
            _ = try? VersionRecord(decoding: bytes)
        }
    }

    /// Flipping any byte of a signed transaction makes it undecodable, or changes its hash, or fails the signature.
    @Test func everyFlippedByteIsCaught() throws {
        let t = try TestChain()
        let signed = try t.sign("alice", .call(contract: try t.address("bob"), function: "f", args: [1, 2], value: 3))
        let bytes = signed.encoded
        for index in 0..<bytes.count {
            var changed = bytes
            changed[index] ^= 0x01
            guard let decoded = try? SignedTransaction(decoding: changed) else { continue }
            #expect(!decoded.hasValidSignature, "byte \(index)")
        }
    }
}
