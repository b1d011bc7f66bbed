import Testing
@testable import StateStore

private func populated(_ count: Int) throws -> MemoryStore {
    let store = MemoryStore()
    try store.commit((0..<count).map { Write(key: Array("account-\($0)".utf8), value: Array("balance-\($0)".utf8)) },
                     height: 1)
    return store
}

@Test(arguments: [1, 2, 3, 50, 500])
func everyKeyHasAnInclusionProofThatVerifiesOffline(count: Int) throws {
    let store = try populated(count)
    let root = store.root()
    for index in 0..<count {
        let key = Array("account-\(index)".utf8)
        let proof = try store.prove(key: key)
        let decoded = try #require(MerkleProof(decoding: proof.encoded))
        #expect(decoded == proof)
        #expect(SparseMerkleTree.verify(proof: decoded, root: root, key: key, value: Array("balance-\(index)".utf8)))
        #expect(!SparseMerkleTree.verify(proof: decoded, root: root, key: key, value: nil))
    }
}

@Test(arguments: [0, 1, 2, 50, 500])
func absentKeysHaveNonInclusionProofs(count: Int) throws {
    let store = try populated(count)
    for index in 0..<40 {
        let key = Array("missing-\(index)".utf8)
        let proof = try store.prove(key: key)
        #expect(SparseMerkleTree.verify(proof: proof, root: store.root(), key: key, value: nil))
        #expect(!SparseMerkleTree.verify(proof: proof, root: store.root(), key: key, value: []))
    }
}

@Test func tamperedProofsFail() throws {
    let store = try populated(100)
    let root = store.root()
    let key = Array("account-7".utf8)
    let value = Array("balance-7".utf8)
    let proof = try store.prove(key: key)
    #expect(SparseMerkleTree.verify(proof: proof, root: root, key: key, value: value))
    #expect(!SparseMerkleTree.verify(proof: proof, root: root, key: key, value: Array("balance-8".utf8)))
    #expect(!SparseMerkleTree.verify(proof: proof, root: root, key: Array("account-8".utf8), value: value))
    var wrongRoot = root
    wrongRoot[31] ^= 1
    #expect(!SparseMerkleTree.verify(proof: proof, root: wrongRoot, key: key, value: value))
    #expect(!SparseMerkleTree.verify(proof: proof, root: Array(root.dropLast()), key: key, value: value))
    let bytes = proof.encoded
    for index in 0..<bytes.count {
        for flip: UInt8 in [0x01, 0x80] {
            var tampered = bytes
            tampered[index] ^= flip
            guard let decoded = MerkleProof(decoding: tampered) else { continue }
            #expect(!SparseMerkleTree.verify(proof: decoded, root: root, key: key, value: value))
        }
    }
    // Another key's valid proof does not prove this key.
    let other = try store.prove(key: Array("account-8".utf8))
    #expect(!SparseMerkleTree.verify(proof: other, root: root, key: key, value: value))
    // A non-inclusion claim for a present key fails, whichever proof is used.
    #expect(!SparseMerkleTree.verify(proof: other, root: root, key: key, value: nil))
    // A proof against an older root fails after the value changes.
    try store.commit([Write(key: key, value: [0])], height: 2)
    #expect(!SparseMerkleTree.verify(proof: proof, root: store.root(), key: key, value: value))
    #expect(SparseMerkleTree.verify(proof: try store.prove(key: key), root: store.root(), key: key, value: [0]))
}

@Test func decodingGarbageNeverTraps() throws {
    var generator = SeededGenerator(seed: 7)
    #expect(MerkleProof(decoding: []) == nil)
    #expect(MerkleProof(decoding: [1]) == nil)
    #expect(MerkleProof(decoding: [1, 0, 0]) == nil)
    #expect(MerkleProof(decoding: [1, 0, 0, 0]) == MerkleProof(terminal: .empty, siblings: []))
    #expect(MerkleProof(decoding: [1, 0, 0, 0, 0]) == nil)           // trailing byte
    #expect(MerkleProof(decoding: [1, 0, 0x01, 0x01] + [UInt8](repeating: 0, count: 257 * 32)) == nil)
    #expect(MerkleProof(decoding: [2, 0, 0, 0]) == nil)              // unknown version
    #expect(MerkleProof(decoding: [1, 2, 0, 0]) == nil)              // unknown terminal
    #expect(MerkleProof(decoding: [1, 1, 0, 0]) == nil)              // truncated leaf
    for _ in 0..<2_000 {
        let length = Int.random(in: 0...200, using: &generator)
        var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if !bytes.isEmpty { bytes[0] = 1 }
        if let proof = MerkleProof(decoding: bytes) {
            #expect(proof.encoded == bytes)
            _ = SparseMerkleTree.verify(proof: proof, root: SparseMerkleTree.emptyRoot, key: bytes, value: nil)
        }
    }
    // Hand-built proofs with wrong-sized parts are rejected, not trapped on.
    let short = MerkleProof(terminal: .leaf(path: [1], valueHash: [2]), siblings: [[3]])
    #expect(!SparseMerkleTree.verify(proof: short, root: SparseMerkleTree.emptyRoot, key: [1], value: nil))
}

@Test func proofsMatchBetweenMemoryAndSQLite() throws {
    let memory = MemoryStore()
    let sqlite = try SQLiteStore(path: temporaryPath("proofs.db"))
    for (height, batch) in randomBatches(seed: 11, count: 10, size: 20).enumerated() {
        try memory.commit(batch, height: UInt64(height + 1))
        try sqlite.commit(batch, height: UInt64(height + 1))
    }
    for key: [UInt8] in [[0], [1, 2], [2, 3, 4], [3, 1, 1, 1], [9]] {
        let proof = try sqlite.prove(key: key)
        #expect(proof == (try memory.prove(key: key)))
        #expect(SparseMerkleTree.verify(proof: proof, root: sqlite.root(), key: key, value: try sqlite.get(key)))
    }
}
