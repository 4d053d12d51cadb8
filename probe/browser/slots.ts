/**
 * A counting semaphore with a bounded wait: at most `size` browser attempts run at
 * once, the others wait in arrival order, and a waiter gives up after `waitMs` or when
 * its run is aborted.
 */
export interface Slot {
  release(): void
}

export class Slots {
  #free: number
  readonly #waiting: Array<(slot: Slot | undefined) => void> = []

  constructor(size: number) {
    this.#free = size
  }

  #slot(): Slot {
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        const next = this.#waiting.shift()
        if (next) next(this.#slot())
        else this.#free += 1
      },
    }
  }

  /** A slot, or undefined when none came free within `waitMs` or `signal` aborted. */
  acquire(waitMs: number, signal?: AbortSignal): Promise<Slot | undefined> {
    if (this.#free > 0) {
      this.#free -= 1
      return Promise.resolve(this.#slot())
    }
    return new Promise((resolve) => {
      const give = (slot: Slot | undefined) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        resolve(slot)
      }
      const leave = () => {
        const index = this.#waiting.indexOf(give)
        if (index >= 0) this.#waiting.splice(index, 1)
        give(undefined)
      }
      const onAbort = () => leave()
      const timer = setTimeout(leave, waitMs)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(give)
    })
  }

  /** Attempts waiting for a slot now. */
  waiting(): number {
    return this.#waiting.length
  }
}
