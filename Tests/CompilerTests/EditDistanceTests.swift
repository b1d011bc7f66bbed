import Compiler
import Testing

/// Name suggestions: the distance counts a swap of two adjacent characters as one edit, the usual typo.
@Suite struct EditDistanceTests {
    @Test(arguments: [
        ("chain", "chain", 0), ("chian", "chain", 1), ("alcie", "alice", 1), ("shraes", "shares", 1),
        ("kitten", "sitting", 3), ("ab", "ba", 1), ("abc", "cab", 2), ("", "abc", 3), ("abc", "", 3),
    ])
    func distances(a: String, b: String, expected: Int) {
        #expect(EditDistance.distance(a, b, limit: 5) == expected)
        #expect(EditDistance.distance(b, a, limit: 5) == expected)
    }

    @Test func theCapStopsEarly() {
        #expect(EditDistance.distance("abcdef", "uvwxyz", limit: 2) == 3)
        #expect(EditDistance.distance("a", "abcdefgh", limit: 2) == 3)
    }

    @Test func suggestions() {
        #expect(EditDistance.suggestion(for: "chian", among: ["chain", "check", "call"]) == "chain")
        #expect(EditDistance.suggestion(for: "shraes", among: ["shares", "owner"]) == "shares")
        #expect(EditDistance.suggestion(for: "zzz", among: ["shares", "owner"]) == nil)
    }
}
