/**
 * Reconnect delays: exponential with full jitter, so that a fleet of probes that
 * lost the broker together does not come back in lock-step and knock it over again.
 * The backoff only computes delays; `sleep` waits them out and can be cancelled.
 */
export interface BackoffOptions {
  /** First delay, before jitter. 2 s: long enough not to spin on a broker that is restarting. */
  initialMs?: number
  /** Cap. 30 s: a probe is never more than half a minute behind a broker that came back. */
  maxMs?: number
  /** Random in [0, 1); injectable for tests. */
  random?: () => number
}

export class Backoff {
  private attempt = 0
  private readonly initialMs: number
  private readonly maxMs: number
  private readonly random: () => number

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 2_000
    this.maxMs = options.maxMs ?? 30_000
    this.random = options.random ?? Math.random
  }

  /** The next delay: half fixed, half random, so it never collapses to zero. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt)
    this.attempt += 1
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2)
  }

  reset(): void {
    this.attempt = 0
  }
}

/** Waits `ms`, or less if the signal aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
