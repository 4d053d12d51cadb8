import { describe, expect, it } from 'vitest'
import type { Observation } from './detector/series-detector.ts'
import { advanceEpisode, ANOMALY_SCORE, ELEVATED_SHIFT, newEpisode } from './region-episode.ts'

const calm: Observation = { score: 0.1, expected: 100, scale: 10, shift: 0, forecast: 'level' }
const high = { ...calm, score: ANOMALY_SCORE + 0.1, shift: ELEVATED_SHIFT + 1 }
const elevated = { ...calm, shift: ELEVATED_SHIFT + 1 }

describe('region anomaly episodes', () => {
  it('opens when a high score is followed by the latency staying up, and closes when it settles', () => {
    const state = newEpisode()
    expect(advanceEpisode(state, high, 1, 200)).toBeNull()
    expect(advanceEpisode(state, elevated, 2, 210)).toBe('opened')
    expect(state.open).toEqual({ since: 1, expectedMs: 100, peakScore: high.score, latestMs: 210 })
    expect(advanceEpisode(state, elevated, 3, 220)).toBeNull()
    expect(state.open!.latestMs).toBe(220)
    advanceEpisode(state, calm, 4, 100)
    advanceEpisode(state, calm, 5, 100)
    expect(advanceEpisode(state, calm, 6, 100)).toBe('closed')
    expect(state.open).toBeNull()
  })

  it('never opens for one slow run', () => {
    const state = newEpisode()
    advanceEpisode(state, high, 1, 500)
    for (let i = 2; i < 10; i++) expect(advanceEpisode(state, calm, i, 100)).toBeNull()
  })

  it('forgets a high score nothing confirmed within a few runs', () => {
    const state = newEpisode()
    advanceEpisode(state, { ...high, shift: 0 }, 1, 500)
    for (let i = 2; i < 8; i++) advanceEpisode(state, calm, i, 100)
    expect(state.candidate).toBeNull()
    advanceEpisode(state, elevated, 8, 200)
    expect(advanceEpisode(state, elevated, 9, 200)).toBeNull()
  })
})
