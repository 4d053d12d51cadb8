import { describe, expect, it } from 'vitest'
import type { Observation } from './detector/series-detector.ts'
import {
  advanceEpisode,
  ANOMALY_SCORE,
  ELEVATED_SHIFT,
  HIGH_DEVIATION,
  newEpisode,
} from './region-episode.ts'

const calm: Observation = {
  score: 0.1,
  expected: 100,
  scale: 10,
  deviation: 0,
  shift: 0,
  forecast: 'level',
}
const highRun = { ...calm, deviation: HIGH_DEVIATION + 1, shift: ELEVATED_SHIFT + 1 }
const scored = { ...highRun, score: ANOMALY_SCORE + 0.1 }

describe('region anomaly episodes', () => {
  it('opens when a high score is followed by the latency staying up, and closes when it settles', () => {
    const state = newEpisode()
    expect(advanceEpisode(state, scored, 1, 200)).toBeNull()
    expect(advanceEpisode(state, highRun, 2, 210)).toBeNull()
    expect(advanceEpisode(state, highRun, 3, 220)).toBe('opened')
    expect(state.open).toEqual({
      since: 1,
      expectedMs: 100,
      peakScore: scored.score,
      latestMs: 220,
    })
    expect(advanceEpisode(state, { ...calm, shift: ELEVATED_SHIFT + 1 }, 4, 150)).toBeNull()
    advanceEpisode(state, calm, 5, 100)
    advanceEpisode(state, calm, 6, 100)
    expect(advanceEpisode(state, calm, 7, 100)).toBe('closed')
    expect(state.open).toBeNull()
  })

  it('never opens for one or two slow runs', () => {
    const state = newEpisode()
    advanceEpisode(state, scored, 1, 500)
    advanceEpisode(state, highRun, 2, 500)
    for (let i = 3; i < 12; i++) expect(advanceEpisode(state, calm, i, 100)).toBeNull()
  })

  it('forgets a high score nothing confirmed within a few runs', () => {
    const state = newEpisode()
    advanceEpisode(state, scored, 1, 500)
    for (let i = 2; i < 8; i++) advanceEpisode(state, calm, i, 100)
    expect(state.candidate).toBeNull()
    for (let i = 8; i < 12; i++) expect(advanceEpisode(state, highRun, i, 200)).toBeNull()
  })
})
