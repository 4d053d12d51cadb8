/**
 * One series of a check (a region; a probe for host checks): the streaks that turn its
 * results into a verdict, and the tally that turns a check's series into its status.
 *
 * Verdicts from consecutive conclusive results (failAfter / recoverAfter):
 * - failing after failAfter downs in a row;
 * - degraded after failAfter non-up results in a row (degraded or down) short of failing;
 * - back from failing after recoverAfter served results (up or degraded), to degraded when
 *   the recent ones were degraded, else to passing;
 * - back from degraded after recoverAfter ups.
 * What a series shows can differ from its verdict: an inconclusive result shows
 * `inconclusive`, a probe back online shows `unknown` until its next conclusive result,
 * and a region or host without an online probe shows `offline`. Only a series that shows
 * its verdict (passing, degraded or failing) is conclusive; the streaks are kept meanwhile.
 * A passing series the hub's latency watch finds slow shows `degraded` (latency-judge.ts).
 */
import type { CheckStatus } from '../../../checks/result.ts'
import type { AlertPolicy } from '../../../checks/spec.ts'
import type { CheckAlertStatus, RegionAlertState } from '../alert-state.ts'
import { FlapDetector } from './flap-detector.ts'
import type { IncidentError } from '../../incidents/incident-store.ts'

export type Verdict = 'unknown' | 'passing' | 'degraded' | 'failing'

export interface SeriesTrack {
  verdict: Verdict
  /** Shown instead of the verdict until the next conclusive result. */
  interim: 'inconclusive' | 'unknown' | null
  /** No online probe can run the check for this series. */
  offline: boolean
  downStreak: number
  /** Degraded or down results in a row. */
  nonUpStreak: number
  upStreak: number
  /** Up or degraded results in a row: what recovery from failing counts. */
  servedStreak: number
  /** scheduledAt of the newest result seen; a result not newer than this is late. */
  lastScheduledAt: number
  /** The first error of the current failure streak, and when it was measured. */
  firstError: { error: IncidentError; scheduledAt: number } | null
  /** Why the hub's latency watch finds the series slow; null when it does not. */
  slow: string[] | null
  readonly flaps: FlapDetector
}

export function newSeries(): SeriesTrack {
  return {
    verdict: 'unknown',
    interim: null,
    offline: false,
    downStreak: 0,
    nonUpStreak: 0,
    upStreak: 0,
    servedStreak: 0,
    lastScheduledAt: -Infinity,
    firstError: null,
    slow: null,
    flaps: new FlapDetector(),
  }
}

/** What the series shows (state() and the timeline). */
export function seriesState(series: SeriesTrack): RegionAlertState {
  if (series.offline) return 'offline'
  if (series.interim) return series.interim
  return series.verdict === 'passing' && series.slow ? 'degraded' : series.verdict
}

/** True when the series' verdict counts: shown, and known. */
export function isConclusive(series: SeriesTrack): boolean {
  return !series.offline && series.interim === null && series.verdict !== 'unknown'
}

/**
 * Applies one conclusive result to the streaks and the verdict. A single down or
 * degraded result is not a verdict yet, so an unknown series stays unknown until it
 * passes or reaches failAfter.
 */
export function advanceSeries(
  series: SeriesTrack,
  status: Exclude<CheckStatus, 'inconclusive'>,
  error: IncidentError | undefined,
  scheduledAt: number,
  policy: Pick<AlertPolicy, 'failAfter' | 'recoverAfter'>,
): void {
  const down = status === 'down'
  series.interim = null
  series.downStreak = down ? series.downStreak + 1 : 0
  series.nonUpStreak = status === 'up' ? 0 : series.nonUpStreak + 1
  series.upStreak = status === 'up' ? series.upStreak + 1 : 0
  series.servedStreak = down ? 0 : series.servedStreak + 1
  if (down && error && !series.firstError) series.firstError = { error, scheduledAt }
  series.verdict = nextVerdict(series, status, policy)
  if (series.verdict !== 'failing' && !down) series.firstError = null
}

function nextVerdict(
  series: SeriesTrack,
  status: Exclude<CheckStatus, 'inconclusive'>,
  { failAfter, recoverAfter }: Pick<AlertPolicy, 'failAfter' | 'recoverAfter'>,
): Verdict {
  const degradedNow = series.nonUpStreak >= failAfter ? 'degraded' : 'passing'
  if (series.downStreak >= failAfter) return 'failing'
  switch (series.verdict) {
    case 'failing':
      return series.servedStreak >= recoverAfter ? degradedNow : 'failing'
    case 'degraded':
      return series.upStreak >= recoverAfter ? 'passing' : 'degraded'
    case 'passing':
      return degradedNow
    case 'unknown':
      if (degradedNow === 'degraded') return 'degraded'
      return status === 'down' ? 'unknown' : 'passing'
  }
}

/**
 * Starts the series over: used for a region whose connectivity alert ends, so failures
 * counted while the region was lost do not page the moment it is judged again.
 */
export function resetVerdict(series: SeriesTrack): void {
  series.verdict = 'unknown'
  series.downStreak = 0
  series.nonUpStreak = 0
  series.upStreak = 0
  series.servedStreak = 0
  series.firstError = null
}

/** A check's series counted for the quorum; inhibited series are left out entirely. */
export interface Tally {
  /** Conclusive series. */
  conclusive: number
  /** Conclusive failing series, in the check's series order. */
  failing: string[]
  /** Conclusive degraded series. */
  degraded: string[]
  /** Conclusive passing series the latency watch finds slow: degraded for the status only. */
  slow: string[]
  passing: number
  /**
   * Series not conclusive now (offline, inconclusive, back online) whose last verdict
   * was failing: an outage is not over because the region that saw it went quiet.
   */
  quietFailing: number
  /**
   * Series that ever reached a verdict, or whose newest result was inconclusive. A series
   * that is merely offline is not "known": a hub whose probes have not connected yet
   * shows its checks as unknown, not as too few regions.
   */
  known: number
  flapping: string[]
  /** Series with a full flap history (FLAP_HISTORY states). */
  settled: number
  /** The highest percent state change among the series. */
  percentStateChange: number
}

export function tally(
  series: ReadonlyMap<string, SeriesTrack>,
  inhibited: (name: string) => boolean,
  flapHistory: number,
): Tally {
  const t: Tally = {
    conclusive: 0,
    failing: [],
    degraded: [],
    slow: [],
    passing: 0,
    quietFailing: 0,
    known: 0,
    flapping: [],
    settled: 0,
    percentStateChange: 0,
  }
  for (const [name, s] of series) {
    if (inhibited(name)) continue
    if (s.flaps.flapping) t.flapping.push(name)
    if (s.flaps.size >= flapHistory) t.settled += 1
    t.percentStateChange = Math.max(t.percentStateChange, s.flaps.percentStateChange)
    if (s.verdict !== 'unknown' || s.interim === 'inconclusive') t.known += 1
    if (!isConclusive(s)) {
      if (s.verdict === 'failing') t.quietFailing += 1
      continue
    }
    t.conclusive += 1
    if (s.verdict === 'failing') t.failing.push(name)
    else if (s.verdict === 'degraded') t.degraded.push(name)
    else {
      t.passing += 1
      if (s.verdict === 'passing' && s.slow) t.slow.push(name)
    }
  }
  return t
}

/**
 * The check's status from its tally; `down` while its DOWN incident is open. Fewer
 * conclusive series than the quorum is `insufficient` once anything is known: the check
 * cannot be judged either way, and the probe network is alerted instead.
 */
export function statusOf(t: Tally, quorum: number, down: boolean): CheckAlertStatus {
  if (down) return 'down'
  if (t.known === 0) return 'unknown'
  if (t.conclusive < quorum) return 'insufficient'
  if (t.failing.length + t.degraded.length + t.slow.length >= quorum) return 'degraded'
  if (t.failing.length > 0) return 'partial'
  if (t.passing > 0) return 'up'
  return 'unknown'
}
