/**
 * When the detector's scores make a region anomalous in the product, and when it is
 * normal again. The detector (detector/series-detector.ts) says how surprising each run
 * is; a region is marked only when the surprise lasts:
 *
 * - a run scores at least ANOMALY_SCORE (close to the threshold NAB's standard profile
 *   picks for the detector), and
 * - within the next few runs, CONFIRM_RUNS runs in a row are each at least
 *   HIGH_DEVIATION scales above what was expected: the latency stayed up.
 *
 * So one or two slow runs never mark a region, and a step up marks it within a few
 * runs. It ends after CALM_RUNS runs in a row that are neither high nor keep the shift
 * signal up: the latency came back, or the detector took the new level as normal (a
 * shift that stays).
 */
import type { Observation } from './detector/series-detector.ts'

/** A run at or above this score starts a candidate anomaly. */
export const ANOMALY_SCORE = 0.52
/** A run this many scales above the expected value counts as high. */
export const HIGH_DEVIATION = 2
/** The shift signal (in its own noise units) that keeps an anomaly going. */
export const ELEVATED_SHIFT = 3
/** High runs in a row that confirm a candidate. */
const CONFIRM_RUNS = 3
/** How many runs after a high score it may still be confirmed. */
const CANDIDATE_RUNS = 5
/** Calm runs in a row that end an anomaly. */
const CALM_RUNS = 3

/** An anomaly in progress in one region. */
export interface OpenAnomaly {
  /** When the run that first scored the change was scheduled. */
  since: number
  /** What the detector expected when it first scored the change (ms). */
  expectedMs: number
  /** The highest score seen during the anomaly. */
  peakScore: number
  /** The latest run's latency (ms). */
  latestMs: number
}

export interface EpisodeState {
  /** The candidate: when it scored and what was expected then; null without one. */
  candidate: { at: number; expectedMs: number; score: number; runsLeft: number } | null
  highRuns: number
  calmRuns: number
  open: OpenAnomaly | null
}

export function newEpisode(): EpisodeState {
  return { candidate: null, highRuns: 0, calmRuns: 0, open: null }
}

/** Moves the episode on by one observed run; returns 'opened' or 'closed' when it changed. */
export function advanceEpisode(
  state: EpisodeState,
  observation: Observation,
  at: number,
  ms: number,
): 'opened' | 'closed' | null {
  const high = observation.deviation >= HIGH_DEVIATION
  state.highRuns = high ? state.highRuns + 1 : 0
  if (state.open) {
    state.open.latestMs = ms
    state.open.peakScore = Math.max(state.open.peakScore, observation.score)
    const calm = !high && observation.shift < ELEVATED_SHIFT
    state.calmRuns = calm ? state.calmRuns + 1 : 0
    if (state.calmRuns < CALM_RUNS) return null
    Object.assign(state, newEpisode())
    return 'closed'
  }
  if (observation.score >= ANOMALY_SCORE) {
    const { expected, score } = observation
    const earlier = state.candidate
    state.candidate = {
      at: earlier?.at ?? at,
      expectedMs: earlier?.expectedMs ?? expected,
      score: Math.max(score, earlier?.score ?? 0),
      runsLeft: CANDIDATE_RUNS,
    }
  } else if (state.candidate) {
    state.candidate.runsLeft -= 1
    if (state.candidate.runsLeft <= 0) state.candidate = null
  }
  if (!state.candidate || state.highRuns < CONFIRM_RUNS) return null
  const { at: since, expectedMs, score } = state.candidate
  state.open = { since, expectedMs, peakScore: score, latestMs: ms }
  state.candidate = null
  state.calmRuns = 0
  return 'opened'
}
