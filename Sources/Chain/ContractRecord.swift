import Bytecode

/// What the chain knows about a deployed contract: its code, version and upgrade governance.
public struct ContractRecord: Hashable, Sendable {
    /// The id (SHA-256 of the bytes) of the module the contract runs.
    public var codeID: [UInt8]
    /// 1 at deploy, one more at each upgrade.
    public var version: UInt64
    /// The only address allowed to upgrade the contract (an account or a contract).
    public var authority: [UInt8]
    /// What upgrades are allowed; only ever gets stricter.
    public var policy: UpgradePolicy

    /// A record from its parts.
    public init(codeID: [UInt8], version: UInt64, authority: [UInt8], policy: UpgradePolicy) {
        self.codeID = codeID
        self.version = version
        self.authority = authority
        self.policy = policy
    }

    /// `codeID (32) ‖ version (LEB128) ‖ authority (32) ‖ policy (1)`.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        w.writeRaw(codeID)
        w.writeULEB(version)
        w.writeRaw(authority)
        w.writeU8(policy.rawValue)
        return w.bytes
    }

    /// Decodes `encoded`; throws `ChainError.malformed` for anything else.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        do throws(ByteReader.Failure) {
            codeID = try r.readRaw(32, "code id")
            version = try r.readULEB("version", max: UInt64.max)
            authority = try r.readRaw(32, "authority")
            guard let policy = UpgradePolicy(rawValue: try r.readU8("policy")) else {
                throw ByteReader.Failure("unknown upgrade policy", offset: r.offset)
            }
            self.policy = policy
        } catch {
            throw .malformed("contract record: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("contract record: trailing bytes") }
    }
}
