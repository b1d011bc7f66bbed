import Crypto
import Foundation
@testable import StateStore

/// A seeded, deterministic generator (SplitMix64) so random tests replay exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh temporary directory path for one test.
func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("statestore-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
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
