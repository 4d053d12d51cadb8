/**
 * How far this probe's clock is from the hub's. Every ack carries the hub's time
 * (`hubTime`, read when the batch was committed). As in NTP, the hub's reading is
 * taken to fall at the midpoint of the round trip (publish → ack), so one sample is
 * `hubTime − (sentAt + ackedAt) / 2`, wrong by at most half the round trip.
 *
 * Samples are smoothed (an exponentially weighted mean) so that one slow ack does
 * not swing the estimate, and samples whose round trip is so long that their error
 * bound is useless (a replay queued behind thousands of results) are ignored.
 */
export interface ClockOffsetOptions {
  /** Weight of a new sample. 0.2 follows a real clock step within about ten acks. */
  smoothing?: number
  /**
   * Ignore samples with a longer round trip. 2 s bounds the error of one sample to
   * ±1 s, well inside any useful skew limit, and normal acks take milliseconds.
   */
  maxRoundTripMs?: number
}

export class ClockOffset {
  private estimate: number | undefined
  private readonly smoothing: number
  private readonly maxRoundTripMs: number

  constructor(options: ClockOffsetOptions = {}) {
    this.smoothing = options.smoothing ?? 0.2
    this.maxRoundTripMs = options.maxRoundTripMs ?? 2_000
  }

  /**
   * Adds one sample. `sentAt` and `ackedAt` are local epoch ms; `hubTime` is the hub's.
   * Returns false when the sample was ignored.
   */
  observe(sentAt: number, ackedAt: number, hubTime: number): boolean {
    const roundTrip = ackedAt - sentAt
    if (roundTrip < 0 || roundTrip > this.maxRoundTripMs) return false
    const sample = hubTime - (sentAt + ackedAt) / 2
    this.estimate =
      this.estimate === undefined
        ? sample
        : this.estimate + this.smoothing * (sample - this.estimate)
    return true
  }

  /** Hub time minus local time, in ms (positive: our clock is behind); undefined before the first ack. */
  offsetMs(): number | undefined {
    return this.estimate === undefined ? undefined : Math.round(this.estimate)
  }
}
