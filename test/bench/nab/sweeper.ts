/**
 * NAB's scorer, ported from nab/sweeper.py, nab/optimizer.py, nab/scorer.py and the
 * normalisation step of nab/runner.py (numenta/NAB, MIT licence), so that a score
 * printed here can be compared with the published ones.
 *
 * - Every row gets a sweep score: inside a window, a reward that falls along a scaled
 *   sigmoid from the window's start to its end; outside, a false-positive cost, scaled
 *   by its distance from the end of the window before it (full cost before the first
 *   window). The probationary rows are left out.
 * - For a threshold, a window counts once, with its best (earliest) detection, and an
 *   undetected window costs the false-negative weight; every detection outside a
 *   window adds its cost.
 * - The threshold is the one that maximises the total over the whole corpus, and the
 *   total is normalised: 100 × (raw − null) / (perfect − null).
 */
import type { CostMatrix } from './profiles.ts'
import { PROBATION_PERCENT } from './profiles.ts'

/** One scorable row: its anomaly score, its sweep score and the window it is in (null: none). */
export interface SweepPoint {
  anomalyScore: number
  sweepScore: number
  /** A name unique in the corpus; null outside windows; 'probationary' in the probation. */
  window: string | null
}

/** The raw score at one threshold: detections are rows with anomalyScore >= threshold. */
export interface ThresholdScore {
  threshold: number
  score: number
  tp: number
  fp: number
  fn: number
  tn: number
}

const PROBATIONARY = 'probationary'

/** The standard logistic function. */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x))
}

/**
 * NAB's reward curve: -1 (window start) gives 0.98661, 0 (window end) gives 0, positive
 * positions are false positives further and further past a window, down to -1.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3.0) return -1.0
  return 2 * sigmoid(-5 * relativePosition) - 1.0
}

/** Rows at the start of a file that are never scored. */
export function probationaryLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000)
}

/**
 * The sweep score of every row of one file (calcSweepScore). `windows` are
 * [first, last] row indices in order; `name` makes window names unique in a corpus.
 */
export function sweepFile(
  anomalyScores: readonly number[],
  windows: readonly [number, number][],
  name: string,
  cost: CostMatrix,
  probationPercent = PROBATION_PERCENT,
): SweepPoint[] {
  const maxTP = scaledSigmoid(-1.0)
  const probation = probationaryLength(anomalyScores.length, probationPercent)
  const points: SweepPoint[] = []
  let next = 0
  let current: { first: number; last: number; name: string; width: number } | null = null
  let previous: { last: number; width: number } | null = null
  for (let i = 0; i < anomalyScores.length; i++) {
    const upcoming = windows[next]
    if (upcoming && upcoming[0] === i) {
      const [first, last] = upcoming
      current = { first, last, name: `${name}|${first}`, width: last - first + 1 }
      next += 1
    }
    let sweepScore: number
    if (current !== null) {
      const position = -(current.last - i + 1) / current.width
      sweepScore = (scaledSigmoid(position) * cost.tpWeight) / maxTP
    } else {
      const unweighted =
        previous === null ? -1.0 : scaledSigmoid(Math.abs(previous.last - i) / (previous.width - 1))
      sweepScore = unweighted * cost.fpWeight
    }
    const window = i >= probation ? (current?.name ?? null) : PROBATIONARY
    points.push({ anomalyScore: anomalyScores[i]!, sweepScore, window })
    if (current !== null && i === current.last) {
      previous = { last: current.last, width: current.width }
      current = null
    }
  }
  return points
}

/**
 * The raw score at every distinct threshold, highest threshold first
 * (calcScoreByThreshold). The first entry, at 1.1, detects nothing.
 */
export function scoresByThreshold(
  points: readonly SweepPoint[],
  cost: CostMatrix,
): ThresholdScore[] {
  const scorable = points.filter((p) => p.window !== PROBATIONARY)
  // Stable, like Python's sorted(): ties keep their order (it does not change the result).
  scorable.sort((a, b) => b.anomalyScore - a.anomalyScore)
  const windowScores = new Map<string, number>()
  for (const point of scorable) {
    if (point.window !== null) windowScores.set(point.window, -cost.fnWeight)
  }
  let windowTotal = -cost.fnWeight * windowScores.size
  let fpTotal = 0
  let tn = scorable.filter((p) => p.window === null).length
  let fn = scorable.length - tn
  let tp = 0
  let fp = 0
  let threshold = 1.1
  const out: ThresholdScore[] = []
  const record = () => out.push({ threshold, score: fpTotal + windowTotal, tp, fp, fn, tn })
  for (const point of scorable) {
    if (point.anomalyScore !== threshold) {
      record()
      threshold = point.anomalyScore
    }
    if (point.window === null) {
      fp += 1
      tn -= 1
      fpTotal += point.sweepScore
    } else {
      tp += 1
      fn -= 1
      const before = windowScores.get(point.window)!
      if (point.sweepScore > before) {
        windowScores.set(point.window, point.sweepScore)
        windowTotal += point.sweepScore - before
      }
    }
  }
  record()
  return out
}

/** The threshold with the highest corpus score (optimizer.py); the higher threshold wins a tie. */
export function bestThreshold(scores: readonly ThresholdScore[]): ThresholdScore {
  let best = scores[0]!
  for (const entry of scores) if (entry.score > best.score) best = entry
  return best
}

/**
 * One file's score at a given threshold (scoreDataSet): the entry with exactly that
 * threshold, else the last one above it.
 */
export function scoreAtThreshold(
  scores: readonly ThresholdScore[],
  threshold: number,
): ThresholdScore {
  let previous: ThresholdScore | undefined
  for (const entry of scores) {
    if (entry.threshold === threshold) return entry
    if (entry.threshold < threshold) return previous ?? entry
    previous = entry
  }
  return scores[scores.length - 1]!
}

/** A detector's per-row anomaly scores for one file of the corpus, with that file's windows. */
export interface ScoredFile {
  name: string
  anomalyScores: readonly number[]
  windows: readonly [number, number][]
}

/** What one profile gives a detector on a corpus. */
export interface ProfileResult {
  threshold: number
  /** The sum of the files' raw scores at the threshold. */
  raw: number
  tp: number
  fp: number
  fn: number
  tn: number
}

/**
 * Optimises the threshold over the whole corpus, then scores each file at it and adds
 * the files up, as NAB's optimize and score steps do.
 */
export function scoreCorpus(files: readonly ScoredFile[], cost: CostMatrix): ProfileResult {
  const perFile = files.map((file) => sweepFile(file.anomalyScores, file.windows, file.name, cost))
  const best = bestThreshold(scoresByThreshold(perFile.flat(), cost))
  const result: ProfileResult = { threshold: best.threshold, raw: 0, tp: 0, fp: 0, fn: 0, tn: 0 }
  for (const points of perFile) {
    const row = scoreAtThreshold(scoresByThreshold(points, cost), best.threshold)
    result.raw += row.score
    result.tp += row.tp
    result.fp += row.fp
    result.fn += row.fn
    result.tn += row.tn
  }
  return result
}

/**
 * NAB's normalised score: 0 for the null detector (which detects nothing: every window
 * costs fnWeight), 100 for a perfect one (every window detected at its start, tpWeight
 * each).
 */
export function normalizedScore(
  raw: number,
  files: readonly ScoredFile[],
  cost: CostMatrix,
): number {
  const windows = files.reduce((sum, file) => sum + file.windows.length, 0)
  const nullScore = scoreCorpus(
    files.map((file) => ({ ...file, anomalyScores: file.anomalyScores.map(() => 0.5) })),
    cost,
  ).raw
  const perfect = windows * cost.tpWeight
  return (100 * (raw - nullScore)) / (perfect - nullScore)
}
