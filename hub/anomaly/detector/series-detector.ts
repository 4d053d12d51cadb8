/**
 * A streaming anomaly detector for one series (one check in one region): it sees one
 * value at a time, never looks back at stored history, and keeps a few dozen numbers
 * plus two seasonal profiles (under 1 KB serialised, detector-state.ts).
 *
 * - The expected value comes from the best of three forecasts, judged by their recent
 *   absolute errors: a level (a clipped EWMA, so one outlier barely moves it), a slower
 *   level plus a daily profile (24 hourly buckets, after two days of data), and the same
 *   level plus a weekly profile (168 buckets, after eight days). A profile is used only
 *   while it predicts clearly better, so a series without seasonality is not made
 *   noisier by one.
 * - The residual is standardised by a robust scale (an EWMA of clipped absolute errors).
 *   Three signals come from it: the residual itself (a spike), and a fast and a slow
 *   EWMA of the clipped residual (a level shift builds up in them over a few runs, while
 *   single spikes do not).
 * - Each signal is compared with its own record: the largest value it reached before,
 *   decaying with a half-life of a few thousand values. A signal is surprising when it
 *   beats its record, so a noisy series and a quiet one are judged on their own terms,
 *   and once an anomaly set a record its repeats score low (a burst fires once).
 * - A value beyond the range the series has covered (also decaying) is surprising in
 *   proportion to how far beyond it lies.
 * - The score is r / (r + 1) for the strongest ratio r: 0.5 is "as surprising as the
 *   record", and it approaches 1 without saturating, so a threshold stays meaningful.
 *
 * The level follows a shift that stays: the residuals shrink as it catches up, so the
 * anomaly ends by itself. The constants were tuned on the whole NAB corpus, never per
 * file (test/bench/nab.ts); `direction: 'up'` ignores drops (a faster service is no
 * anomaly).
 */
import { DAY_MS, WEEK_MS, emptyProfile, learnProfile, profileAt } from './seasonal-profile.ts'

/** The constants of the detector; DEFAULT_PARAMS holds the tuned ones. */
export interface DetectorParams {
  /** Rate of the plain level. */
  levelRate: number
  /** Rate of the level under the seasonal profiles. */
  seasonalLevelRate: number
  /** Rate of the seasonal profiles (per value, shared between two buckets). */
  profileRate: number
  /** Rate of the scale. */
  scaleRate: number
  /** Rate of the forecasts' error averages that pick the forecast. */
  errorRate: number
  /** Residuals are clipped at this many scales before they move a level or a shift signal. */
  clip: number
  /** Absolute errors are clipped at this many scales before they move the scale. */
  scaleClip: number
  /** Rates of the fast and slow shift signals. */
  fastShiftRate: number
  slowShiftRate: number
  /** Half-life of the signals' records, in values. */
  recordHalfLife: number
  /** A record is never taken below this, in scales: plain noise is never a surprise. */
  recordFloor: number
  /** Weight of the distance beyond the covered range, in spans of that range. */
  rangeWeight: number
  /** Half-life of the covered range, in values. */
  rangeHalfLife: number
  /** A seasonal forecast replaces another when its error is below this share of the other's. */
  switchShare: number
  /** Values before the first score: the scale and records need a few. */
  warmup: number
}

export const DEFAULT_PARAMS: DetectorParams = {
  levelRate: 0.02,
  seasonalLevelRate: 0.01,
  profileRate: 0.05,
  scaleRate: 0.01,
  errorRate: 0.01,
  clip: 5,
  scaleClip: 6,
  fastShiftRate: 0.2,
  slowShiftRate: 0.03,
  recordHalfLife: 8000,
  recordFloor: 5,
  rangeWeight: 3,
  rangeHalfLife: 5000,
  switchShare: 0.8,
  warmup: 50,
}

/** Which forecast the detector uses. */
export const FORECASTS = ['level', 'daily', 'weekly'] as const
export type Forecast = (typeof FORECASTS)[number]

/** The detector's whole memory: numbers and two profiles, nothing else. */
export interface DetectorState {
  count: number
  firstAt: number
  level: number
  seasonalLevel: number
  scale: number
  /** Recent mean absolute error of each forecast, in FORECASTS order. */
  errors: [number, number, number]
  forecast: Forecast
  fastShift: number
  slowShift: number
  /** Records of the spike, fast-shift and slow-shift signals. */
  records: [number, number, number]
  rangeHigh: number
  rangeLow: number
  daily: Float32Array
  weekly: Float32Array
}

/** What one value looked like to the detector. */
export interface Observation {
  /** 0 (nothing unusual) to 1; 0.5 equals the series' recent record surprise. */
  score: number
  /** The value the forecast expected, before it learned this one. */
  expected: number
  /** The typical absolute deviation from the expected value. */
  scale: number
  /** How far the value is from the expected one, in scales; positive above it. */
  deviation: number
  /**
   * The fast shift signal: a short EWMA (about the last five values) of the clipped
   * deviation, in its own noise units, so plain noise stays within about ±3; positive
   * above the forecast. A level that moved keeps it high until the forecast catches up;
   * one spike lifts it for a run or two.
   */
  shift: number
  forecast: Forecast
}

export interface DetectorOptions {
  /** 'up' scores only values above what was expected. Default 'both'. */
  direction?: 'both' | 'up'
  params?: DetectorParams
}

export function newDetectorState(): DetectorState {
  return {
    count: 0,
    firstAt: 0,
    level: 0,
    seasonalLevel: 0,
    scale: 0,
    errors: [0, 0, 0],
    forecast: 'level',
    fastShift: 0,
    slowShift: 0,
    records: [0, 0, 0],
    rangeHigh: 0,
    rangeLow: 0,
    daily: emptyProfile(24),
    weekly: emptyProfile(168),
  }
}

const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value))

/**
 * Scores values of one series as they come.
 *
 * @example
 * const detector = new SeriesDetector({ direction: 'up' })
 * for (const [at, ms] of latencies) detector.observe(at, ms).score
 */
export class SeriesDetector {
  readonly state: DetectorState
  readonly #up: boolean
  readonly #p: DetectorParams
  readonly #recordDecay: number
  readonly #rangeDecay: number

  constructor(options: DetectorOptions = {}, state: DetectorState = newDetectorState()) {
    this.state = state
    this.#up = options.direction === 'up'
    this.#p = options.params ?? DEFAULT_PARAMS
    this.#recordDecay = 0.5 ** (1 / this.#p.recordHalfLife)
    this.#rangeDecay = 0.5 ** (1 / this.#p.rangeHalfLife)
  }

  /** Scores `value` measured at `at` (epoch ms), then learns it. A value that is not finite is ignored. */
  observe(at: number, value: number): Observation {
    const s = this.state
    const p = this.#p
    if (!Number.isFinite(value)) return this.#quiet(at)
    if (s.count === 0) {
      Object.assign(s, { firstAt: at, level: value, seasonalLevel: value, rangeHigh: value })
      s.rangeLow = value
      s.count = 1
      return { score: 0, expected: value, scale: 0, deviation: 0, shift: 0, forecast: s.forecast }
    }
    const forecasts = [
      s.level,
      s.seasonalLevel + profileAt(s.daily, DAY_MS, at),
      s.seasonalLevel + profileAt(s.weekly, WEEK_MS, at),
    ]
    const chosen = FORECASTS.indexOf(s.forecast)
    const expected = forecasts[chosen]!
    const residual = value - expected
    const scale = Math.max(s.scale, 1e-3 * Math.abs(s.level) + 1e-9)
    const z = residual / scale
    const clipped = clamp(z, p.clip)
    s.fastShift += p.fastShiftRate * (clipped - s.fastShift)
    s.slowShift += p.slowShiftRate * (clipped - s.slowShift)
    const shift = s.fastShift / Math.sqrt(p.fastShiftRate / (2 - p.fastShiftRate))
    const signals = [
      z,
      shift,
      s.slowShift / Math.sqrt(p.slowShiftRate / (2 - p.slowShiftRate)),
    ].map((signal) => (this.#up ? Math.max(0, signal) : Math.abs(signal)))
    let ratio = 0
    signals.forEach((signal, i) => {
      ratio = Math.max(ratio, signal / Math.max(s.records[i]!, p.recordFloor))
      s.records[i] = Math.max(signal, s.records[i]! * this.#recordDecay)
    })
    const span = s.rangeHigh - s.rangeLow
    if (span > 0) {
      const beyond = value > s.rangeHigh ? value - s.rangeHigh : this.#up ? 0 : s.rangeLow - value
      if (beyond > 0) ratio = Math.max(ratio, 1 + (p.rangeWeight * beyond) / span)
    }
    const score = s.count < p.warmup ? 0 : ratio / (ratio + 1)
    this.#learn(at, value, forecasts, residual, scale)
    return { score, expected, scale, deviation: z, shift, forecast: FORECASTS[chosen]! }
  }

  #learn(at: number, value: number, forecasts: number[], residual: number, scale: number): void {
    const s = this.state
    const p = this.#p
    const middle = (s.rangeHigh + s.rangeLow) / 2
    s.rangeHigh = Math.max(value, middle + (s.rangeHigh - middle) * this.#rangeDecay)
    s.rangeLow = Math.min(value, middle - (middle - s.rangeLow) * this.#rangeDecay)
    const limit = p.clip * scale
    s.level += p.levelRate * clamp(value - forecasts[0]!, limit)
    s.seasonalLevel += p.seasonalLevelRate * clamp(value - forecasts[1]!, limit)
    const offset = value - s.seasonalLevel
    learnProfile(s.daily, DAY_MS, at, offset, p.profileRate)
    learnProfile(s.weekly, WEEK_MS, at, offset, p.profileRate)
    forecasts.forEach((forecast, i) => {
      const error = Math.min(Math.abs(value - forecast), p.scaleClip * scale)
      s.errors[i] = s.errors[i]! + p.errorRate * (error - s.errors[i]!)
    })
    this.#pickForecast(at)
    const error = Math.abs(residual)
    s.count += 1
    s.scale =
      s.count <= 20
        ? s.scale + (error - s.scale) / (s.count - 1)
        : s.scale + p.scaleRate * (Math.min(error, p.scaleClip * scale) - s.scale)
  }

  /** A seasonal forecast takes over when clearly better, and gives way when it no longer is. */
  #pickForecast(at: number): void {
    const s = this.state
    const days = (at - s.firstAt) / DAY_MS
    const [level, daily, weekly] = s.errors
    const share = this.#p.switchShare
    let best: Forecast = 'level'
    if (days >= 2 && daily < level * (s.forecast === 'level' ? share : 1)) best = 'daily'
    const rival = best === 'daily' ? daily : level
    if (days >= 8 && weekly < rival * (s.forecast === 'weekly' ? 1 : share)) best = 'weekly'
    s.forecast = best
  }

  #quiet(at: number): Observation {
    const s = this.state
    const chosen = FORECASTS.indexOf(s.forecast)
    const expected =
      chosen === 0
        ? s.level
        : s.seasonalLevel +
          profileAt(chosen === 1 ? s.daily : s.weekly, chosen === 1 ? DAY_MS : WEEK_MS, at)
    return { score: 0, expected, scale: s.scale, deviation: 0, shift: 0, forecast: s.forecast }
  }
}
