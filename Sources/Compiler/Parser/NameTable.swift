// The names of one parse, each made into a `String` once: a function body names the same few locals, state
// variables and functions over and over, and decoding and validating the bytes again for each use cost more
// than finding the earlier copy.

/// A fixed-size open-addressing table from a name's bytes (a range of the source) to its `String`.
/// Names that do not find a free slot within a few probes are simply decoded each time: the table never grows.
struct NameTable {
    private struct Slot {
        var hash: UInt32 = 0
        var start: Int32 = 0
        var length: Int32 = 0  // 0: empty (names are never empty)
        var text: String = ""
    }

    private static let size = 2048
    private static let probes = 8
    private var slots: [Slot] = []

    /// The name at `start..<end` of `bytes` (in range, non-empty; the lexer's identifier tokens) as a String.
    mutating func name(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        let length = end - start
        guard length > 0, length < 64, start >= 0, end <= bytes.count, end < Int(Int32.max) else {
            return String(decoding: bytes[max(0, min(start, bytes.count))..<max(0, min(end, bytes.count))], as: UTF8.self)
        }
        if slots.isEmpty { slots = Array(repeating: Slot(), count: NameTable.size) }
        return bytes.withUnsafeBufferPointer { buffer in
            var hash: UInt32 = 2_166_136_261
            for index in start..<end { hash = (hash ^ UInt32(buffer[index])) &* 16_777_619 }
            var index = Int(hash) & (NameTable.size - 1)
            for _ in 0..<NameTable.probes {
                let slot = slots[index]
                if slot.length == 0 {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
                    slots[index] = Slot(hash: hash, start: Int32(start), length: Int32(length), text: text)
                    return text
                }
                if slot.hash == hash, Int(slot.length) == length,
                    NameTable.equal(buffer, Int(slot.start), start, length)
                {
                    return slot.text
                }
                index = (index + 1) & (NameTable.size - 1)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
    }

    private static func equal(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ length: Int) -> Bool {
        for offset in 0..<length where buffer[a + offset] != buffer[b + offset] { return false }
        return true
    }
}
