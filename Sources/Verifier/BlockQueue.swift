/// Blocks waiting for the type-safety pass, smallest index first (a binary min-heap without duplicates).
///
/// Code order approximates reverse post-order for compiled code (loops jump backwards), so a block's
/// predecessors are usually final before it runs and loops settle in few rounds.
struct BlockQueue {
    private var heap: [Int] = []
    private var queued: [Bool]

    init(count: Int) { queued = [Bool](repeating: false, count: max(0, count)) }

    /// Empties the queue, for blocks `0..<count`.
    mutating func reset(count: Int) {
        heap.removeAll(keepingCapacity: true)
        queued.refill(count, with: false)
    }

    /// Adds `block` unless it is already waiting.
    mutating func insert(_ block: Int) {
        guard block >= 0, block < queued.count, !queued[block] else { return }
        queued[block] = true
        heap.append(block)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest waiting block.
    mutating func popMin() -> Int? {
        guard let last = heap.popLast() else { return nil }
        var top = last
        if !heap.isEmpty {
            top = heap[0]
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left] < heap[smallest] { smallest = left }
                if right < heap.count, heap[right] < heap[smallest] { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        queued[top] = false
        return top
    }
}
