import { describe, expect, it } from 'vitest'
import { loadCorpus } from './corpus.ts'
import { PROFILES } from './profiles.ts'
import { asNabStoresIt } from './run-detector.ts'
import {
  normalizedScore,
  probationaryLength,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  scoresByThreshold,
  sweepFile,
} from './sweeper.ts'
import { windowedGaussianScores } from './windowed-gaussian.ts'

const FIXTURES = new URL('../../fixtures/nab', import.meta.url).pathname
const standard = PROFILES.standard

describe('the reward curve', () => {
  it('gives the values NAB documents at the window edges', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5)
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5)
    expect(scaledSigmoid(0)).toBe(0)
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5)
    expect(scaledSigmoid(3.5)).toBe(-1)
  })

  it('leaves 15 % of a file unscored, at most 750 rows', () => {
    expect(probationaryLength(4032)).toBe(604)
    expect(probationaryLength(22695)).toBe(750)
  })
})

describe('scoring one file', () => {
  // 20 rows, probation 3, one window on rows 10..13 (width 4).
  const windows: [number, number][] = [[10, 13]]
  const scores = (hot: number[]) => Array.from({ length: 20 }, (_, i) => (hot.includes(i) ? 1 : 0))

  it('costs fnWeight for a missed window and nothing else', () => {
    const table = scoresByThreshold(sweepFile(scores([]), windows, 'f', standard), standard)
    expect(scoreAtThreshold(table, 0.5).score).toBe(-1)
  })

  it('rewards the earliest detection in a window, scaled by its position', () => {
    const early = scoresByThreshold(sweepFile(scores([10, 12]), windows, 'f', standard), standard)
    expect(scoreAtThreshold(early, 0.5).score).toBeCloseTo(1, 10)
    const late = scoresByThreshold(sweepFile(scores([13]), windows, 'f', standard), standard)
    // position -1/4 on the sigmoid, over its value at the window start
    expect(scoreAtThreshold(late, 0.5).score).toBeCloseTo(scaledSigmoid(-0.25) / scaledSigmoid(-1))
  })

  it('costs fpWeight for a detection before any window, less just after one, nothing in probation', () => {
    const before = scoresByThreshold(sweepFile(scores([2, 5]), windows, 'f', standard), standard)
    expect(scoreAtThreshold(before, 0.5).score).toBeCloseTo(-1 - 0.11)
    const after = scoresByThreshold(sweepFile(scores([14]), windows, 'f', standard), standard)
    const cost = scaledSigmoid(1 / 3) * 0.11
    expect(scoreAtThreshold(after, 0.5).score).toBeCloseTo(-1 + cost)
  })
})

describe('the port reproduces NAB', () => {
  const corpus = loadCorpus(FIXTURES)
  const files = corpus.map((file) => ({
    name: file.name,
    windows: file.windows,
    anomalyScores: windowedGaussianScores(file.values).map(asNabStoresIt),
  }))

  // NAB's own results for windowedGaussian at its corpus threshold, 1.0
  // (results/windowedGaussian/windowedGaussian_standard_scores.csv in numenta/NAB).
  it.each([
    ['realKnownCause/ec2_request_latency_system_failure.csv', 2.02150685678, 8, 3082, 0, 338],
    ['realTraffic/speed_7578.csv', 3.47059145681, 11, 841, 1, 105],
  ])('scores windowedGaussian on %s as NAB did', (name, score, tp, tn, fp, fn) => {
    const file = files.find((f) => f.name === name)!
    const table = scoresByThreshold(
      sweepFile(file.anomalyScores, file.windows, file.name, standard),
      standard,
    )
    const row = scoreAtThreshold(table, 1.0)
    expect(row.score).toBeCloseTo(score, 9)
    expect({ tp: row.tp, tn: row.tn, fp: row.fp, fn: row.fn }).toEqual({ tp, tn, fp, fn })
  })

  it('normalises the null detector to 0 and a perfect one to 100', () => {
    const silent = files.map((f) => ({ ...f, anomalyScores: f.anomalyScores.map(() => 0) }))
    expect(normalizedScore(scoreCorpus(silent, standard).raw, silent, standard)).toBeCloseTo(0)
    const perfect = files.map((f) => ({
      ...f,
      anomalyScores: f.anomalyScores.map((_, i) => (f.windows.some(([a]) => a === i) ? 1 : 0)),
    }))
    const best = scoreCorpus(perfect, standard)
    expect(normalizedScore(best.raw, perfect, standard)).toBeCloseTo(100)
  })
})
