/**
 * `npm run bench:nab [-- --data DIR]`: Vantage's anomaly detector on the Numenta
 * Anomaly Benchmark (58 labelled series, https://github.com/numenta/NAB, MIT licence),
 * scored by a port of NAB's own scorer (test/bench/nab/sweeper.ts).
 *
 * The port is proven first: NAB's windowedGaussian baseline, re-implemented here, must
 * score its published 39.6 (±0.5) on the standard profile. Then the detector the hub
 * runs (hub/anomaly/detector/, both directions, the tuned constants) is scored the
 * same way, and the table shows both next to NAB's published figures. `--data` (or
 * NAB_DATA) is a NAB checkout or a copy of its `data/` and `labels/`.
 *
 * A report, not a gate: it exits 0 and marks a missed goal FAIL.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { SeriesDetector } from '../../hub/anomaly/detector/series-detector.ts'
import { loadCorpus } from './nab/corpus.ts'
import { scoreDetector, type Detect } from './nab/run-detector.ts'
import { formatNabTable, PUBLISHED, type NabRow } from './nab/table.ts'
import { windowedGaussianScores } from './nab/windowed-gaussian.ts'

const { values: flags } = parseArgs({
  options: { data: { type: 'string', default: process.env.NAB_DATA } },
})
if (!flags.data) {
  console.error(
    'usage: npm run bench:nab -- --data DIR   (DIR: a checkout of https://github.com/numenta/NAB, or its data/ and labels/; or set NAB_DATA)',
  )
  process.exit(2)
}

const vantage: Detect = (timestamps, values) => {
  const detector = new SeriesDetector()
  return values.map((value, i) => detector.observe(timestamps[i]!, value).score)
}

const started = performance.now()
const corpus = loadCorpus(resolve(flags.data!))
const rows = corpus.reduce((sum, file) => sum + file.values.length, 0)
const windows = corpus.reduce((sum, file) => sum + file.windows.length, 0)
console.log(
  `bench:nab  ${corpus.length} files, ${rows.toLocaleString('en-US')} rows, ${windows} windows (${flags.data})`,
)

const measured: [string, Detect][] = [
  ['Vantage', vantage],
  ['windowedGaussian', (_, values) => windowedGaussianScores(values)],
]
const table: NabRow[] = []
const thresholds: string[] = []
for (const [name, detect] of measured) {
  const scores = scoreDetector(corpus, detect)
  table.push({
    detector: name,
    source: 'measured',
    scores: {
      standard: scores.standard.score,
      reward_low_FP_rate: scores.reward_low_FP_rate.score,
      reward_low_FN_rate: scores.reward_low_FN_rate.score,
    },
  })
  const { threshold, tp, fp } = scores.standard
  thresholds.push(
    `${name}: threshold ${threshold} (standard), ${tp} rows detected in windows, ${fp} outside`,
  )
}
table.push(...PUBLISHED)
console.log(formatNabTable(table))
for (const line of thresholds) console.log(line)

const ours = table[0]!.scores.standard
const baseline = table[1]!.scores.standard
const goals = [
  [
    `windowedGaussian reproduces 39.6 ± 0.5: ${baseline.toFixed(2)}`,
    Math.abs(baseline - 39.65) <= 0.5,
  ],
  [`Vantage standard score at least 50: ${ours.toFixed(2)}`, ours >= 50],
  [`Vantage above Twitter ADVec (47.1) and Etsy Skyline (35.7)`, ours > 47.06 && ours > 35.69],
] as const
for (const [what, ok] of goals) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
console.error(`  ${((performance.now() - started) / 1000).toFixed(1)} s wall`)
