import Bytecode

/// An event a contract emitted: which contract, which code, the event's name and its fields
/// (`ValueCodec` sequence of the event declaration's field types in module `moduleID`).
public struct EventRecord: Hashable, Sendable {
    /// The emitting contract's address.
    public var contract: [UInt8]
    /// The module (by id) whose event declaration types the fields.
    public var moduleID: [UInt8]
    public var name: String
    /// The fields, `ValueCodec`-encoded one after the other.
    public var data: [UInt8]

    /// An event record from its parts.
    public init(contract: [UInt8], moduleID: [UInt8], name: String, data: [UInt8]) {
        self.contract = contract
        self.moduleID = moduleID
        self.name = name
        self.data = data
    }

    func write(to w: inout ByteWriter) {
        w.writeRaw(contract)
        w.writeRaw(moduleID)
        w.writeString(name)
        w.writeBlob(data)
    }

    static func read(_ r: inout ByteReader) throws(ByteReader.Failure) -> EventRecord {
        EventRecord(
            contract: try r.readRaw(32, "event contract"), moduleID: try r.readRaw(32, "event module"),
            name: try r.readString("event name"), data: try r.readBlob("event data"))
    }
}
