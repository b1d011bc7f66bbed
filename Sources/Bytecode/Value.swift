/// A value crossing the VM's boundary: call arguments and results, storage contents, event fields,
/// constants shown to people. Inside the VM values are untyped 16-byte slots; this is the typed,
/// self-contained form the host, the chain and the tools exchange.
public indirect enum Value: Hashable, Sendable {
    case int(Int128)
    /// Fixed-point decimal: the value times 10^18.
    case dec(Int128)
    case bool(Bool)
    /// 32 bytes.
    case address([UInt8])
    /// 32 bytes.
    case hash([UInt8])
    case string(String)
    case bytes([UInt8])
    case list([Value])
    /// Entries in ascending key order, keys unique.
    case map([MapEntry])
    /// Field values in declaration order.
    case structure([Value])

    public struct MapEntry: Hashable, Sendable {
        public var key: Value
        public var value: Value

        public init(key: Value, value: Value) {
            self.key = key
            self.value = value
        }
    }
}

/// Decimal scale: a `Dec` is held as its value times 10^18.
public let decScale: Int128 = 1_000_000_000_000_000_000
