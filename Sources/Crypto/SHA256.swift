import CCrypto

/// SHA-256 over bytes, through libcrypto's one-shot digest.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                _ = CCrypto.SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return out
    }

    /// The digest of `tag ‖ first ‖ second`, without building the concatenation (the state tree hashes
    /// 65-byte preimages of this shape at every level).
    public static func hash(_ tag: UInt8, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        let count = 1 + first.count + second.count
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw[0] = tag
            first.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[1..<(1 + first.count)]).copyMemory(from: $0) }
            second.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[(1 + first.count)...]).copyMemory(from: $0) }
            out.withUnsafeMutableBufferPointer { output in
                _ = CCrypto.SHA256(buffer.baseAddress, count, output.baseAddress)
            }
        }
        return out
    }
}
