/**
 * Runs a detector over the NAB corpus and scores it with the ported scorer, for all
 * three profiles, the way NAB's run.py does: detect, round the scores as NAB's results
 * files keep them, optimise the threshold per profile over the whole corpus, score,
 * normalise.
 */
import type { NabFile } from './corpus.ts'
import { PROFILE_NAMES, PROFILES, type ProfileName } from './profiles.ts'
import { normalizedScore, scoreCorpus, type ProfileResult, type ScoredFile } from './sweeper.ts'

/** A detector as the benchmark sees it: a whole file in, one score per row out. */
export type Detect = (timestamps: readonly number[], values: readonly number[]) => number[]

/**
 * NAB's results files were written by Python 2, whose str() keeps 12 significant
 * digits: scores are compared after that rounding, or the published baseline does not
 * come out (its threshold is exactly 1.0).
 */
export function asNabStoresIt(score: number): number {
  return Number(score.toPrecision(12))
}

export interface ProfileScore extends ProfileResult {
  /** NAB's normalised score: null detector 0, perfect 100. */
  score: number
}

/** The detector's scores on every file, in NAB's rounding. */
export function detectCorpus(corpus: readonly NabFile[], detect: Detect): ScoredFile[] {
  return corpus.map((file) => ({
    name: file.name,
    windows: file.windows,
    anomalyScores: detect(file.timestamps, file.values).map(asNabStoresIt),
  }))
}

/** The detector's normalised score and counts for each profile. */
export function scoreDetector(
  corpus: readonly NabFile[],
  detect: Detect,
): Record<ProfileName, ProfileScore> {
  const files = detectCorpus(corpus, detect)
  const result = {} as Record<ProfileName, ProfileScore>
  for (const profile of PROFILE_NAMES) {
    const cost = PROFILES[profile]
    const scored = scoreCorpus(files, cost)
    result[profile] = { ...scored, score: normalizedScore(scored.raw, files, cost) }
  }
  return result
}
