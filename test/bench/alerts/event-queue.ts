/**
 * The simulator's clock work: a min-heap of callbacks keyed by virtual time. Events at
 * the same millisecond run in the order they were scheduled, so a run of the
 * simulation is reproducible from its seed alone.
 */

interface QueuedEvent {
  at: number
  seq: number
  fire: () => void
}

/**
 * @example
 * const queue = new EventQueue()
 * queue.schedule(1_000, () => console.log('one second in'))
 * queue.next()?.fire()
 */
export class EventQueue {
  readonly #heap: QueuedEvent[] = []
  #seq = 0

  get size(): number {
    return this.#heap.length
  }

  /** Queues `fire` to run at virtual time `at` (epoch ms). */
  schedule(at: number, fire: () => void): void {
    if (!Number.isFinite(at)) throw new Error(`cannot schedule an event at ${at}`)
    this.#heap.push({ at, seq: this.#seq++, fire })
    this.#siftUp(this.#heap.length - 1)
  }

  /** When the earliest event is due, or undefined when nothing is queued. */
  peekAt(): number | undefined {
    return this.#heap[0]?.at
  }

  /** Removes and returns the earliest event. */
  next(): QueuedEvent | undefined {
    const heap = this.#heap
    const top = heap[0]
    const last = heap.pop()
    if (top && last && heap.length > 0) {
      heap[0] = last
      this.#siftDown(0)
    }
    return top
  }

  #before(a: QueuedEvent, b: QueuedEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  #siftUp(index: number): void {
    const heap = this.#heap
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  #siftDown(index: number): void {
    const heap = this.#heap
    let i = index
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < heap.length && this.#before(heap[left]!, heap[smallest]!)) smallest = left
      if (right < heap.length && this.#before(heap[right]!, heap[smallest]!)) smallest = right
      if (smallest === i) return
      ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
      i = smallest
    }
  }
}
