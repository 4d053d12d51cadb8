/** An injectable clock: real time in production, virtual time in tests. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current
  }
  set(epochMs: number): void {
    this.current = epochMs
  }
  advance(ms: number): void {
    this.current += ms
  }
}
