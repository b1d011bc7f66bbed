import Bytecode
import Chain
import Foundation

/// `datanet keys new|list|show`: the development keystore of a chain directory.
enum KeysCommand {
    static let command = Command(
        name: "keys", summary: "create, list and show the signing keys of a chain directory",
        usage: "datanet keys new NAME | list | show NAME [--dir D] [--json]",
        examples: ["datanet keys new dave", "datanet keys list", "datanet keys show alice --json"],
        spec: .init(valued: ["--dir"], switches: ["--json"])
    ) { args, console in
        let directory = ChainDirectory(args)
        let json = args.switches.contains("--json")
        /// A key as `--json` prints it (never the seed).
        func object(_ key: Keystore.Key) -> JSONValue {
            .object([
                "name": .string(key.name), "address": .string(Hex.prefixed(key.address)),
                "public_key": .string(Hex.prefixed(key.key.publicKey)),
            ])
        }
        guard let action = args.positional.first else { return usage(console, "keys needs new, list or show") }
        do throws(CLIFailure) {
            try? FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
            var keystore = try directory.keystore()
            switch action {
            case "new":
                guard args.positional.count == 2 else { return usage(console, "keys new needs a NAME") }
                let key = try keystore.add(args.positional[1])
                console.out(json ? object(key).text : "\(key.name)  \(Hex.prefixed(key.address))")
            case "list":
                if json {
                    console.out(JSONValue.array(keystore.keys.map(object)).text)
                } else {
                    for key in keystore.keys { console.out("\(key.name)  \(Hex.prefixed(key.address))") }
                }
            case "show":
                guard args.positional.count == 2 else { return usage(console, "keys show needs a NAME") }
                let key = try keystore.require(args.positional[1])
                if json {
                    console.out(object(key).text)
                    return ExitCode.ok
                }
                console.out("name        \(key.name)")
                console.out("address     \(Hex.prefixed(key.address))")
                console.out("public key  \(Hex.prefixed(key.key.publicKey))")
            default:
                let known = suggestion(action, among: ["list", "new", "show"])
                return usage(console, "unknown keys action '\(action)'" + known)
            }
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
        return ExitCode.ok
    }
}
