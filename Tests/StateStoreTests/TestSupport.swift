import Bytecode
import Crypto
import Foundation
import TestSupport
@testable import StateStore

/// The seeded generator of the random tests (Bytecode's SplitMix64), so they replay exactly.
typealias SeededGenerator = SplitMix64

/// A path named `name` in a fresh directory for one test (`ScratchDirectory`: removed when the process exits).
func temporaryPath(_ name: String) -> String {
    ScratchDirectory.make("statestore").appendingPathComponent(name).path
}

/// Random batches over a small key space (so keys are overwritten and deleted) with shared prefixes.
func randomBatches(seed: UInt64, count: Int, size: Int) -> [[Write]] {
    var generator = SeededGenerator(seed: seed)
    var batches: [[Write]] = []
    for _ in 0..<count {
        var batch: [Write] = []
        for _ in 0..<Int.random(in: 1...size, using: &generator) {
            let prefix = UInt8.random(in: 0...3, using: &generator)
            let length = Int.random(in: 0...3, using: &generator)
            let key = [prefix] + (0..<length).map { _ in UInt8.random(in: 0...4, using: &generator) }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                batch.append(Write(key: key, value: nil))
            } else {
                let valueLength = Int.random(in: 0...5, using: &generator)
                let value = (0..<valueLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                batch.append(Write(key: key, value: value))
            }
        }
        batches.append(batch)
    }
    return batches
}

/// An independent reference for the state root: rebuilds the canonical tree recursively from all leaves.
func referenceRoot(_ entries: [Entry]) -> [UInt8] {
    let leaves = entries.map { (path: SHA256.hash($0.key), valueHash: SHA256.hash($0.value)) }
        .sorted { $0.path.lexicographicallyPrecedes($1.path) }
    func bit(_ path: [UInt8], _ index: Int) -> Int { Int(path[index / 8] >> (7 - UInt8(index % 8))) & 1 }
    func subtree(_ leaves: ArraySlice<(path: [UInt8], valueHash: [UInt8])>, depth: Int) -> [UInt8] {
        if leaves.isEmpty { return [UInt8](repeating: 0, count: 32) }
        if leaves.count == 1, let leaf = leaves.first { return SHA256.hash([0x00] + leaf.path + leaf.valueHash) }
        let left = leaves.filter { bit($0.path, depth) == 0 }
        let right = leaves.filter { bit($0.path, depth) == 1 }
        return SHA256.hash([0x01] + subtree(left[...], depth: depth + 1) + subtree(right[...], depth: depth + 1))
    }
    return subtree(leaves[...], depth: 0)
}
