import Foundation

/// A JSON file holding an object with a list of objects under one key (`keys.json`'s "keys", `genesis.json`'s
/// "accounts"): the object and that list, or an error that says what is wrong with the file.
struct JSONListFile {
    let object: [String: Any]
    let entries: [[String: Any]]

    /// `what` names the file in errors ("the keystore"); `shape` shows what it should hold.
    init(path: String, what: String, key: String, shape: String) throws(CLIFailure) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure("cannot read \(what) '\(path)' (permissions?)")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw CLIFailure("\(what) '\(path)' is not valid JSON: \(Self.reason(error))")
        }
        guard let object = parsed as? [String: Any], let entries = object[key] as? [[String: Any]] else {
            throw CLIFailure("\(what) '\(path)' has no \"\(key)\" list (expected \(shape))")
        }
        self.object = object
        self.entries = entries
    }

    /// Foundation's JSON error, without its domain and code: the description it keeps under "NSDebugDescription".
    private static func reason(_ error: Error) -> String {
        let info = (error as NSError).userInfo
        return (info["NSDebugDescription"] as? String) ?? error.localizedDescription
    }
}
