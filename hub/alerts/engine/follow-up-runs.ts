/**
 * Which regions of a check to re-run at once, on the way down and on the way back up.
 *
 * Down (confirmation follow-ups): those whose down streak is still short of failAfter,
 * but only once the failure is corroborated, i.e. another region sees it too (or the
 * check runs in one region only). A failure seen in one region alone goes at its
 * schedule's pace, which leaves the region-loss rule the round it needs to recognise a
 * region-wide loss before a quorum-1 check could page through it.
 *
 * Up (recovery follow-ups): a failing region that passes again is re-run until it has
 * recoverAfter served results, and the first region of a DOWN check to pass gets the
 * regions still failing re-run too: the quorum needs more than one region back before the
 * outage ends. Without them a check that recovered stays DOWN for recoverAfter schedules
 * (a whole interval at the default of 2), which the SLO charges as bad minutes the target
 * never had. Recovery needs no corroboration: ending an outage early cannot page anyone,
 * and resolving still takes the quorum (alert-engine.ts).
 */
import { regionsOf } from '../../../checks/spec.ts'
import type { CheckTrack } from './check-track.ts'
import type { SeriesTrack } from './series-track.ts'

/**
 * @example
 * for (const region of seriesToRerun(track, (name) => regionLost(name))) confirm(region)
 */
export function seriesToRerun(track: CheckTrack, inhibited: (name: string) => boolean): string[] {
  const { failAfter } = track.spec.alert
  const suspects = [...track.series].filter(
    ([name, series]) => series.downStreak > 0 && !series.offline && !inhibited(name),
  )
  const corroborated = suspects.length >= 2 || (regionsOf(track.spec)?.length ?? 2) === 1
  if (!corroborated) return []
  return suspects.filter(([, series]) => series.downStreak < failAfter).map(([name]) => name)
}

/**
 * True when a series that was failing has just passed and still needs more served
 * results (recoverAfter) before its verdict leaves failing: re-run it now.
 *
 * @example
 * if (recoveryPending(series, spec.alert.recoverAfter)) confirm(region)
 */
export function recoveryPending(series: SeriesTrack, recoverAfter: number): boolean {
  return (
    series.verdict === 'failing' && series.servedStreak > 0 && series.servedStreak < recoverAfter
  )
}

/**
 * The failing series, other than `except`, that have not passed since they failed and can
 * run (online, not set aside by a region loss): the ones a first recovery asks to run now.
 *
 * @example
 * const ask = seriesStillFailing(track, 'eu-west', (name) => regionLost(name)) // ['us-east']
 */
export function seriesStillFailing(
  track: CheckTrack,
  except: string,
  inhibited: (name: string) => boolean,
): string[] {
  return [...track.series]
    .filter(
      ([name, series]) =>
        name !== except &&
        series.verdict === 'failing' &&
        series.servedStreak === 0 &&
        !series.offline &&
        !inhibited(name),
    )
    .map(([name]) => name)
}
