/// Where the chain keeps its state in the key-value store. Every key below is in the state root.
///
/// | prefix | key | value |
/// | --- | --- | --- |
/// | `0x01` | `0x01 ‖ address` | `Account` (balance, nonce) |
/// | `0x02` | `0x02 ‖ address` | `ContractRecord` (code, version, authority, policy) |
/// | `0x03` | `0x03 ‖ module id` | module bytes (`ModuleCodec`), never deleted |
/// | `0x04` | `0x04 ‖ address ‖ relative key` | one contract storage entry (the VM's key, `ValueCodec` value) |
/// | `0x05` | `0x05 ‖ address ‖ version (8 bytes BE)` | `VersionRecord` |
public enum StateLayout {
    public static let accountPrefix: UInt8 = 0x01
    public static let contractPrefix: UInt8 = 0x02
    public static let modulePrefix: UInt8 = 0x03
    public static let storagePrefix: UInt8 = 0x04
    public static let versionPrefix: UInt8 = 0x05

    /// The key of the account record of `address`.
    public static func accountKey(_ address: [UInt8]) -> [UInt8] { key(accountPrefix, address) }

    /// The key of the contract record of `address`.
    public static func contractKey(_ address: [UInt8]) -> [UInt8] { key(contractPrefix, address) }

    /// The key of the module bytes with id `id`.
    public static func moduleKey(_ id: [UInt8]) -> [UInt8] { key(modulePrefix, id) }

    /// `prefix ‖ rest` in one allocation (the account key is built several times per transaction).
    private static func key(_ prefix: UInt8, _ rest: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(1 + rest.count)
        key.append(prefix)
        key.append(contentsOf: rest)
        return key
    }

    /// The prefix of every storage key of the contract at `address`.
    public static func storagePrefix(_ address: [UInt8]) -> [UInt8] { [storagePrefix] + address }

    /// The store key of the contract's relative storage key `key`.
    public static func storageKey(_ address: [UInt8], _ key: [UInt8]) -> [UInt8] { [storagePrefix] + address + key }

    /// The prefix of the version records of the contract at `address`.
    public static func versionPrefix(_ address: [UInt8]) -> [UInt8] { [versionPrefix] + address }

    /// The key of version `version` of the contract at `address`.
    public static func versionKey(_ address: [UInt8], _ version: UInt64) -> [UInt8] {
        [versionPrefix] + address + BigEndian.bytes(version)
    }
}
