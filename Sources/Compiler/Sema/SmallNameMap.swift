// A map from names to values that scans while it is small.

/// Values by name, in the order they were first added, found by comparing names while there are at most
/// `scanLimit` of them and through a dictionary beyond. A contract's state variables are a handful and are looked
/// up at every use: hashing the name into a `Dictionary` cost about 300 instructions a lookup, comparing a
/// short name with each of a few others a fraction of that.
struct SmallNameMap<Value> {
    /// Entries scanned below this count; a dictionary of positions from it on.
    static var scanLimit: Int { 16 }

    private var entries: [(name: String, value: Value)] = []
    /// Positions in `entries` by name, once there are more than `scanLimit`.
    private var positions: [String: Int]?

    init() {}

    /// How many values there are.
    var count: Int { entries.count }
    /// The names, in the order they were first added.
    var names: [String] { entries.map(\.name) }
    /// The values, in the order their names were first added.
    var values: [Value] { entries.map(\.value) }

    /// The value named `name`; setting one replaces it in place or adds it at the end. Setting nil is not
    /// supported (nothing removes a state variable) and is ignored.
    subscript(name: String) -> Value? {
        get { position(of: name).map { entries[$0].value } }
        set {
            guard let newValue else { return }
            if let position = position(of: name) {
                entries[position].value = newValue
                return
            }
            entries.append((name, newValue))
            if positions != nil {
                positions?[name] = entries.count - 1
            } else if entries.count > SmallNameMap.scanLimit {
                var table: [String: Int] = [:]
                for (i, entry) in entries.enumerated() { table[entry.name] = i }
                positions = table
            }
        }
    }

    private func position(of name: String) -> Int? {
        if let positions { return positions[name] }
        for i in entries.indices where entries[i].name == name { return i }
        return nil
    }
}
