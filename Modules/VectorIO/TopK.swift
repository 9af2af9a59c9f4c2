/// The best `k` of a stream of scored slots, by a total order: a min-heap on "better than".
struct TopK {
    /// A scored slot.
    struct Entry {
        var slot: Int
        var score: Float
    }

    private let k: Int
    private var heap: [Entry] = []
    /// Whether `a` ranks before `b` (higher score; equal scores by id).
    private let better: (Entry, Entry) -> Bool

    init(k: Int, better: @escaping (Entry, Entry) -> Bool) {
        self.k = k
        self.better = better
        heap.reserveCapacity(k)
    }

    /// The worst score kept once `k` entries are held; candidates below it cannot enter.
    var floor: Float? { heap.count == k ? heap[0].score : nil }

    mutating func offer(_ entry: Entry) {
        if heap.count < k {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if better(entry, heap[0]) {
            heap[0] = entry
            siftDown(0)
        }
    }

    /// The kept entries, best first.
    func sorted() -> [Entry] {
        heap.sorted(by: better)
    }

    // The root is the worst entry: a parent is never better than its children.
    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard better(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var worst = parent
            if left < heap.count, better(heap[worst], heap[left]) { worst = left }
            if right < heap.count, better(heap[worst], heap[right]) { worst = right }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
