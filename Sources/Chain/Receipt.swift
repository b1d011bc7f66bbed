import Bytecode
import Crypto

/// What executing one transaction did: status, gas, return values, events, and why it reverted.
///
/// Encoding: status (1) ‖ gas used (LEB128) ‖ contract (0 or 32 bytes, length-prefixed) ‖ module id (idem) ‖
/// function ‖ return data ‖ event count ‖ events ‖ revert message ‖ revert position ‖ revert function — strings
/// and byte strings LEB128-length-prefixed.
public struct Receipt: Hashable, Sendable {
    /// Whether the transaction's effects (other than nonce and fee) happened.
    public enum Status: UInt8, Hashable, Sendable {
        case success = 0
        case reverted = 1
    }

    public var status: Status
    /// Gas used, intrinsic cost included; the whole limit when the transaction ran out of gas.
    public var gasUsed: UInt64
    /// The called or deployed contract (empty for a transfer).
    public var contract: [UInt8]
    /// The module that ran (empty for a transfer); types `returnData`.
    public var moduleID: [UInt8]
    /// The function that ran (`init`/`migrate` functions by name; empty when none ran).
    public var function: String
    /// The function's results, `ValueCodec`-encoded one after the other.
    public var returnData: [UInt8]
    /// Events of the successful transaction, in emission order (none when reverted).
    public var events: [EventRecord]
    /// The revert message, when reverted.
    public var revertMessage: String
    /// `file:line:col` of the trap when the module has a source map, else empty.
    public var revertPosition: String
    /// The function and bytecode offset of the trap (`name+offset`), else empty.
    public var revertLocation: String

    /// A receipt from its parts.
    public init(
        status: Status, gasUsed: UInt64, contract: [UInt8] = [], moduleID: [UInt8] = [], function: String = "",
        returnData: [UInt8] = [], events: [EventRecord] = [], revertMessage: String = "", revertPosition: String = "",
        revertLocation: String = ""
    ) {
        self.status = status
        self.gasUsed = gasUsed
        self.contract = contract
        self.moduleID = moduleID
        self.function = function
        self.returnData = returnData
        self.events = events
        self.revertMessage = revertMessage
        self.revertPosition = revertPosition
        self.revertLocation = revertLocation
    }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        w.writeU8(status.rawValue)
        w.writeULEB(gasUsed)
        w.writeBlob(contract)
        w.writeBlob(moduleID)
        w.writeString(function)
        w.writeBlob(returnData)
        w.writeCount(events.count)
        for event in events { event.write(to: &w) }
        w.writeString(revertMessage)
        w.writeString(revertPosition)
        w.writeString(revertLocation)
        return w.bytes
    }

    /// Decodes exactly one receipt from all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        do throws(ByteReader.Failure) {
            guard let status = Status(rawValue: try r.readU8("status")) else {
                throw ByteReader.Failure("unknown status", offset: 0)
            }
            self.status = status
            gasUsed = try r.readULEB("gas used", max: UInt64.max)
            contract = try r.readBlob("contract", max: 32)
            moduleID = try r.readBlob("module id", max: 32)
            function = try r.readString("function")
            returnData = try r.readBlob("return data")
            let count = try r.readCount("event count", max: Int(Int32.max), minEntrySize: 67)
            var events: [EventRecord] = []
            for _ in 0..<count { events.append(try EventRecord.read(&r)) }
            self.events = events
            revertMessage = try r.readString("revert message")
            revertPosition = try r.readString("revert position")
            revertLocation = try r.readString("revert location")
        } catch {
            throw .malformed("receipt: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("receipt: trailing bytes") }
    }

    /// A block's receipts: count, then each receipt length-prefixed.
    public static func encodeList(_ receipts: [Receipt]) -> [UInt8] {
        encodeList(encoded: encodeEach(receipts))
    }

    /// Each receipt's encoding, in order. A receipt equal to the one before it shares that one's encoding (a
    /// block of plain transfers has a thousand equal receipts; comparing is cheaper than encoding).
    static func encodeEach(_ receipts: [Receipt]) -> [[UInt8]] {
        mapReusingRepeats(receipts) { $0.encoded }
    }

    /// `items.map(transform)`, except that an item equal to the one before it reuses that one's result.
    private static func mapReusingRepeats<T: Equatable, U>(_ items: [T], _ transform: (T) -> U) -> [U] {
        var result: [U] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if index > 0, item == items[index - 1], let previous = result.last {
                result.append(previous)
            } else {
                result.append(transform(item))
            }
        }
        return result
    }

    /// `encodeList` of receipts already encoded (a block's receipts are encoded once, for this and `root`).
    static func encodeList(encoded receipts: [[UInt8]]) -> [UInt8] {
        var w = ByteWriter()
        w.writeCount(receipts.count)
        for receipt in receipts { w.writeBlob(receipt) }
        return w.bytes
    }

    /// Decodes `encodeList`.
    public static func decodeList(_ bytes: [UInt8]) throws(ChainError) -> [Receipt] {
        var r = ByteReader(bytes)
        var blobs: [[UInt8]] = []
        do throws(ByteReader.Failure) {
            let count = try r.readCount("receipt count", max: Int(Int32.max))
            for _ in 0..<count { blobs.append(try r.readBlob("receipt")) }
        } catch {
            throw .malformed("receipts: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("receipts: trailing bytes") }
        var receipts: [Receipt] = []
        for blob in blobs { receipts.append(try Receipt(decoding: blob)) }
        return receipts
    }

    /// The receipts root of a block: SHA-256 of (count ‖ SHA-256 of each encoded receipt).
    public static func root(of receipts: [Receipt]) -> [UInt8] {
        root(encoded: encodeEach(receipts))
    }

    /// `root(of:)` of receipts already encoded. An encoding equal to the one before it reuses that one's hash.
    static func root(encoded receipts: [[UInt8]]) -> [UInt8] {
        listRoot(mapReusingRepeats(receipts) { SHA256.hash($0) })
    }

    /// SHA-256 of the LEB128 count followed by the given 32-byte hashes.
    static func listRoot(_ hashes: [[UInt8]]) -> [UInt8] {
        var w = ByteWriter()
        w.writeCount(hashes.count)
        for hash in hashes { w.writeRaw(hash) }
        return SHA256.hash(w.bytes)
    }
}
