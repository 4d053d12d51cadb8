/**
 * Which regions of a check to re-run at once after a down result (confirmation
 * follow-ups): those whose down streak is still short of failAfter, but only once the
 * failure is corroborated, i.e. another region sees it too (or the check runs in one
 * region only). A failure seen in one region alone goes at its schedule's pace, which
 * leaves the region-loss rule the round it needs to recognise a region-wide loss
 * before a quorum-1 check could page through it.
 */
import { regionsOf } from '../../../checks/spec.ts'
import type { CheckTrack } from './check-track.ts'

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
