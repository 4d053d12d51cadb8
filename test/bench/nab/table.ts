/** The bench:nab table: one row per detector, the three profiles side by side. */
import { PROFILE_NAMES, type ProfileName } from './profiles.ts'

export interface NabRow {
  detector: string
  /** Where the figures come from: measured here, or NAB's published scoreboard. */
  source: 'measured' | 'published'
  scores: Record<ProfileName, number>
}

/**
 * NAB's published scores (results/final_results.json in numenta/NAB, also in the data
 * set's published_scores.json) of the detectors to compare with.
 */
export const PUBLISHED: NabRow[] = [
  {
    detector: 'windowedGaussian',
    source: 'published',
    scores: { standard: 39.65, reward_low_FP_rate: 20.87, reward_low_FN_rate: 47.41 },
  },
  {
    detector: 'Twitter ADVec',
    source: 'published',
    scores: { standard: 47.06, reward_low_FP_rate: 33.61, reward_low_FN_rate: 53.5 },
  },
  {
    detector: 'Etsy Skyline',
    source: 'published',
    scores: { standard: 35.69, reward_low_FP_rate: 27.08, reward_low_FN_rate: 44.48 },
  },
]

const HEADERS = ['detector', 'source', ...PROFILE_NAMES] as const

/** A plain-text table, scores with one decimal like NAB's scoreboard. */
export function formatNabTable(rows: readonly NabRow[]): string {
  const cells = rows.map((row) => [
    row.detector,
    row.source,
    ...PROFILE_NAMES.map((profile) => row.scores[profile].toFixed(1)),
  ])
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...cells.map((line) => line[i]!.length)),
  )
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => (i < 2 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!)))
      .join(' | ')
  const rule = widths.map((width) => '-'.repeat(width)).join('-|-')
  return [line(HEADERS), rule, ...cells.map(line)].join('\n')
}
