/**
 * host.disk: space and inodes used on the filesystem that holds `path` (statfs), with
 * degraded/down thresholds, and a "full in N hours" trend (disk-trend.ts).
 *
 * Used % is computed as df computes it: used / (used + available to users), so the
 * blocks reserved for root count as full, as they are for an application.
 */
import { statfs } from 'node:fs/promises'
import type { GradedAssertions, Severity } from '../../assertions.ts'
import { statusFromAssertions } from '../../assertions.ts'
import { formatDuration, parseDuration } from '../../duration.ts'
import { ERROR_CODES, type AssertionResult } from '../../result.ts'
import type { HostDiskSpec } from '../../spec.ts'
import type { Runner, RunOutcome } from '../types.ts'
import { predictFull, UsageHistory, type Prediction } from './disk-trend.ts'
import { formatBytes, pathFailure } from './outcomes.ts'

const HOUR_MS = 3_600_000

const round2 = (value: number): number => Math.round(value * 100) / 100

/**
 * A percentage against `degradedAbove` (degraded) and `failAbove` (down), each its own
 * assertion, as assertLatency does for times. Equal to a limit passes.
 */
function assertPercent(
  name: string,
  actual: number,
  limits: HostDiskSpec['expect'],
): GradedAssertions {
  const text = `${round2(actual)}%`
  const degraded = actual <= limits.degradedAbove
  const down = actual <= limits.failAbove
  const status: Severity = !down ? 'down' : !degraded ? 'degraded' : 'up'
  const assertions: AssertionResult[] = [
    {
      name: `${name} (degraded)`,
      ok: degraded,
      expected: `<= ${limits.degradedAbove}%`,
      actual: text,
    },
    { name, ok: down, expected: `<= ${limits.failAbove}%`, actual: text },
  ]
  return { assertions, status }
}

function trendText(prediction: Prediction): string {
  if (prediction.kind === 'full-in') return `full in ${formatDuration(prediction.hours * HOUR_MS)}`
  if (prediction.kind === 'not-growing') return 'not growing'
  return `no trend yet (${formatDuration(prediction.needMs)} more samples needed)`
}

function assertTrend(prediction: Prediction, fullWithin: string): GradedAssertions {
  const ok = !(
    prediction.kind === 'full-in' && prediction.hours * HOUR_MS <= parseDuration(fullWithin)
  )
  return {
    assertions: [
      { name: 'full in', ok, expected: `> ${fullWithin}`, actual: trendText(prediction) },
    ],
    status: ok ? 'up' : 'degraded',
  }
}

/**
 * A disk runner with its own sample history. Production shares one ({@link run});
 * tests make their own so that histories never mix.
 */
export function createDiskRunner(history = new UsageHistory()): Runner<'host.disk'> {
  return async (spec, ctx) => {
    let stats: Awaited<ReturnType<typeof statfs>>
    try {
      stats = await statfs(spec.path)
    } catch (error) {
      return pathFailure(spec.path, error, ERROR_CODES.HOST_FILE_MISSING)
    }
    const usedBytes = (stats.blocks - stats.bfree) * stats.bsize
    const freeBytes = stats.bavail * stats.bsize
    const usable = usedBytes + freeBytes
    const usedPercent = usable === 0 ? 0 : (usedBytes / usable) * 100
    const metrics: Record<string, number> = { usedPercent: round2(usedPercent), freeBytes }

    const space = assertPercent('disk used', usedPercent, spec.expect)
    const graded: GradedAssertions[] = [space]
    // Some filesystems (btrfs, vfat) have no fixed inode table and report 0 inodes.
    let inodes: GradedAssertions | undefined
    if (stats.files > 0) {
      const inodesUsedPercent = ((stats.files - stats.ffree) / stats.files) * 100
      metrics.inodesUsedPercent = round2(inodesUsedPercent)
      inodes = assertPercent('inodes used', inodesUsedPercent, spec.expect)
      graded.push(inodes)
    }

    const windowMs = parseDuration(spec.trendWindow)
    const samples = history.add(
      `${spec.id}\u0000${spec.path}`,
      { at: ctx.now(), usedBytes },
      windowMs,
    )
    const prediction = predictFull(samples, freeBytes, windowMs)
    if (prediction.kind === 'full-in') metrics.hoursToFull = round2(prediction.hours)
    if (spec.expect.fullWithin !== undefined) {
      graded.push(assertTrend(prediction, spec.expect.fullWithin))
    }

    const outcome: RunOutcome = {
      status: statusFromAssertions(...graded),
      assertions: graded.flatMap((g) => g.assertions),
      metrics,
    }
    const full = [space, inodes].find((g) => g?.status === 'down')
    if (full) {
      const what = full === space ? 'space' : 'inodes'
      outcome.error = {
        code: ERROR_CODES.HOST_DISK_FULL,
        message: `${spec.path}: ${what} ${full.assertions[1]!.actual} used (${formatBytes(freeBytes)} free), expected ${full.assertions[1]!.expected}`,
      }
    }
    return outcome
  }
}

/** Measures one filesystem; see the file comment. Metrics: usedPercent, inodesUsedPercent, freeBytes, hoursToFull. */
export const run: Runner<'host.disk'> = createDiskRunner()
