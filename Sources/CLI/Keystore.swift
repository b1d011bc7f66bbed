import Bytecode
import Chain
import Crypto
import Foundation

/// The development keystore: named Ed25519 keys in `keys.json` under the chain directory, seeds in plain hex.
/// For development chains only: anyone who can read the file can sign as its keys.
struct Keystore {
    struct Key {
        var name: String
        var key: Ed25519PrivateKey
        var address: [UInt8] { SHA256.hash(key.publicKey) }
    }

    let path: String
    /// Keys sorted by name.
    private(set) var keys: [Key] = []

    /// Loads `path` (an absent file is an empty keystore).
    init(path: String) throws(CLIFailure) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let entries = try JSONListFile(
            path: path, what: "the keystore", key: "keys", shape: "{\"keys\": [{\"name\": …, \"seed\": …}, …]}"
        ).entries
        for (index, entry) in entries.enumerated() {
            guard let name = entry["name"] as? String, let seedText = entry["seed"] as? String,
                let seed = Hex.decode(seedText), let key = try? Ed25519PrivateKey(seed: seed)
            else {
                throw CLIFailure("key \(index + 1) of the keystore '\(path)' is malformed: it needs a \"name\" and a "
                    + "\"seed\" of 64 hex digits")
            }
            keys.append(Key(name: name, key: key))
        }
        keys.sort { $0.name < $1.name }
    }

    /// The key called `name`.
    func key(_ name: String) -> Key? { keys.first { $0.name == name } }

    /// The key called `name`, or an error naming the keystore, the closest name and the keys it holds.
    func require(_ name: String) throws(CLIFailure) -> Key {
        if let key = key(name) { return key }
        let names = keys.map(\.name)
        throw CLIFailure("no key named '\(name)' in \(path)" + suggestion(name, among: names)
            + (names.isEmpty ? "" : " (keys: \(names.joined(separator: ", ")))")
            + "; 'datanet keys new \(name)' makes one")
    }

    /// An account written as `0x…` or `@0x…` (64 hex digits), or as `name` / `@name` of a key here; otherwise an
    /// error saying which it is not (a short hex string, or a name with the closest keys).
    func address(of text: String) throws(CLIFailure) -> [UInt8] {
        let bare = text.hasPrefix("@") ? String(text.dropFirst()) : text
        if let bytes = Hex.decode32(bare) { return bytes }
        if bare.hasPrefix("0x") || bare.hasPrefix("0X") {
            throw CLIFailure("'\(text)' is not an address: an address is 0x and 64 hex digits (this has "
                + "\(bare.count - 2) characters after 0x)")
        }
        guard Self.isAccountName(bare) else {
            throw CLIFailure("'\(text)' is neither an address (0x and 64 hex digits) nor a key name (letters, digits "
                + "and '_')")
        }
        return try require(bare).address
    }

    /// Adds a key (a fresh random one unless `key` is given) and saves the file.
    @discardableResult
    mutating func add(_ name: String, key: Ed25519PrivateKey? = nil) throws(CLIFailure) -> Key {
        guard !name.isEmpty, name.utf8.allSatisfy({ Self.isNameByte($0) }) else {
            throw CLIFailure("key names are letters, digits and '_', not '\(name)'")
        }
        guard self.key(name) == nil else { throw CLIFailure("a key named '\(name)' already exists") }
        let created: Ed25519PrivateKey
        do {
            created = try key ?? Ed25519PrivateKey.generate()
        } catch {
            throw CLIFailure("cannot generate a key: \(error)")
        }
        let entry = Key(name: name, key: created)
        keys.append(entry)
        keys.sort { $0.name < $1.name }
        try save()
        return entry
    }

    private func save() throws(CLIFailure) {
        let entries: [[String: Any]] = keys.map {
            ["name": $0.name, "seed": Hex.encode($0.key.seed), "public_key": Hex.encode($0.key.publicKey),
             "address": Hex.prefixed($0.address)]
        }
        guard let data = try? JSONSerialization.data(
            withJSONObject: ["keys": entries], options: [.prettyPrinted, .sortedKeys])
        else { throw CLIFailure("cannot encode the keystore") }
        guard FileManager.default.createFile(
            atPath: path, contents: data + Data("\n".utf8), attributes: [.posixPermissions: 0o600])
        else { throw CLIFailure("cannot write '\(path)'") }
    }

    /// Whether `text` can be an account name written `@name` in a call: letters, digits and '_', not starting
    /// with a digit (so `@0x…` stays an address).
    static func isAccountName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(48...57).contains(first) else { return false }
        return text.utf8.allSatisfy(isNameByte)
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
    }
}

/// A command failure with the message to print.
struct CLIFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
