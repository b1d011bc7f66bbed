// "Did you mean" suggestions: the closest known name by edit distance.

/// Edit distance with a cap, for name suggestions: insertions, deletions, substitutions and swaps of two
/// adjacent characters each count one (the optimal-string-alignment distance), so `chian` is one edit from
/// `chain`, as the typo is.
public enum EditDistance {
    /// The edit distance between `a` and `b`, or `limit + 1` once it exceeds `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a.utf8.prefix(64)), y = Array(b.utf8.prefix(64))
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var beforePrevious = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[y.count]
    }

    /// The candidate closest to `name` within a distance that grows with its length; ties go to the
    /// alphabetically first, so suggestions are deterministic.
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        let limit = max(1, min(3, name.count / 3))
        var best: (Int, String)?
        for candidate in candidates.sorted() where candidate != name {
            let d = distance(name.lowercased(), candidate.lowercased(), limit: limit)
            guard d <= limit, d < name.count else { continue }
            if let current = best, current.0 <= d { continue }
            best = (d, candidate)
        }
        return best?.1
    }
}
