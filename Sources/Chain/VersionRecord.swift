import Bytecode

/// One entry of a contract's version history: which code it ran from which block, installed by whom.
public struct VersionRecord: Hashable, Sendable {
    /// 1 for the deployed code, then one more per upgrade.
    public var version: UInt64
    /// The module id of that version.
    public var codeID: [UInt8]
    /// The block that installed it.
    public var height: UInt64
    /// The address that deployed or upgraded.
    public var by: [UInt8]
    /// The policy in force from this version on.
    public var policy: UpgradePolicy

    /// A record from its parts.
    public init(version: UInt64, codeID: [UInt8], height: UInt64, by: [UInt8], policy: UpgradePolicy) {
        self.version = version
        self.codeID = codeID
        self.height = height
        self.by = by
        self.policy = policy
    }

    /// `version (LEB128) ‖ codeID (32) ‖ height (LEB128) ‖ by (32) ‖ policy (1)`.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        w.writeULEB(version)
        w.writeRaw(codeID)
        w.writeULEB(height)
        w.writeRaw(by)
        w.writeU8(policy.rawValue)
        return w.bytes
    }

    /// Decodes `encoded`; throws `ChainError.malformed` for anything else.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        do throws(ByteReader.Failure) {
            version = try r.readULEB("version", max: UInt64.max)
            codeID = try r.readRaw(32, "code id")
            height = try r.readULEB("height", max: UInt64.max)
            by = try r.readRaw(32, "by")
            guard let policy = UpgradePolicy(rawValue: try r.readU8("policy")) else {
                throw ByteReader.Failure("unknown upgrade policy", offset: r.offset)
            }
            self.policy = policy
        } catch {
            throw .malformed("version record: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("version record: trailing bytes") }
    }
}
